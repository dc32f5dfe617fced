#!/usr/bin/env node
// Copies the language server jar (built by the lsp-server module) into server/ so `vsce package` bundles it.
// Usage: node scripts/copy-server.js [--require=true|false]   (true: fail when the jar is missing)
'use strict';
const fs = require('fs');
const path = require('path');

const src = path.resolve(__dirname, '..', '..', 'lsp-server', 'target', 'weft-server.jar');
const dest = path.resolve(__dirname, '..', 'server', 'weft-server.jar');
const require_ = process.argv.includes('--require') || process.argv.includes('--require=true');
fs.mkdirSync(path.dirname(dest), { recursive: true });
if (!fs.existsSync(src)) {
  const msg = `copy-server: ${src} does not exist (build it first: mvn -pl lsp-server -am package -DskipTests).`;
  if (require_) {
    console.error(msg);
    process.exit(1);
  }
  console.warn(`WARNING ${msg} The VSIX is built without the server; the extension reports that when used.`);
  fs.rmSync(dest, { force: true });
  process.exit(0);
}
fs.copyFileSync(src, dest);
console.log(`copy-server: ${src} -> ${dest} (${fs.statSync(dest).size} bytes)`);
