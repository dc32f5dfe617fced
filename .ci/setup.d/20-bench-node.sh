# bench: installs the Node anchors (bench/anchors: yjs, diamond-types-node, loro-crdt, @automerge/automerge and
# their dependencies, pinned by package-lock.json) so the bench module's NodeAnchorsSmokeTest can run them on tiny
# traces. CI never runs the full benchmarks. Idempotent: skipped when every pinned version is already installed.
if (cd bench/anchors && node -e 'const p = require("./package.json"); for (const [n, v] of Object.entries(p.dependencies)) { if (require("./node_modules/" + n + "/package.json").version !== v) process.exit(1) }') 2>/dev/null; then
  echo "bench: Node anchors already installed"
else
  (cd bench/anchors && npm ci --no-audit --no-fund --loglevel=error)
fi
