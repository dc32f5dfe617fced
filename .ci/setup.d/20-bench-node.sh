# bench: installs the Yjs anchor (bench/anchors: yjs + 2 dependencies, pinned by package-lock.json) so the bench
# module's YjsAnchorSmokeTest can run it on a tiny trace. CI never runs the full benchmarks. Idempotent: skipped
# when the pinned yjs version is already installed.
if (cd bench/anchors && node -e 'const p = require("./package.json"), y = require("./node_modules/yjs/package.json"); process.exit(p.dependencies.yjs === y.version ? 0 : 1)') 2>/dev/null; then
  echo "bench: Yjs anchor already installed"
else
  (cd bench/anchors && npm ci --no-audit --no-fund --loglevel=error)
fi
