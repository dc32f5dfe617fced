#!/usr/bin/env bash
# End-to-end test of the VS Code extension in real VS Code: two code-server 4.100.3 instances (two users, each
# with its own HOME, user-data, extensions and so its own extension host and Java server), the VSIX installed
# in both, a relay process, driven by headless Debian Chromium through playwright-core.
#
#   vscode-extension/e2e/run.sh            (needs target/weft-vscode.vsix, relay-server/target/weft-relay.jar,
#                                           lsp-server/target/weft-server.jar: mvn -DskipTests install first)
#
# Installs its tools first (e2e/install.sh: apt chromium etc. as root, code-server from npm; idempotent).
# Screenshots and logs go to vscode-extension/target/e2e/ (WEFT_E2E_OUT). Bounded by a 10-minute timeout
# (WEFT_E2E_RUN_TIMEOUT_S; on a loaded machine also WEFT_E2E_WAIT_SCALE and WEFT_E2E_TIMEOUT_MS, see e2e.js).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ext="$(cd "$here/.." && pwd)"
root="$(cd "$ext/.." && pwd)"
start=$(date +%s)

bash "$here/install.sh"

if [ ! -f "$ext/node_modules/playwright-core/package.json" ]; then
  (cd "$ext" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
fi
for f in "$ext/target/weft-vscode.vsix" "$root/relay-server/target/weft-relay.jar" "$root/lsp-server/target/weft-server.jar"; do
  if [ ! -f "$f" ]; then
    echo "e2e: $f is missing; build first: mvn -B -ntp install -DskipTests (from $root)" >&2
    exit 2
  fi
done
if ! unzip -Z1 "$ext/target/weft-vscode.vsix" | grep -c "^extension/server/weft-server.jar$" >/dev/null; then
  echo "e2e: the VSIX does not bundle server/weft-server.jar; rebuild it after lsp-server (mvn install -DskipTests)" >&2
  exit 2
fi

echo "== e2e: tools ready after $(( $(date +%s) - start )) s"
# The Node driver has its own watchdog; this outer bound also covers a hung browser.
timeout --kill-after=20 $(( ${WEFT_E2E_RUN_TIMEOUT_S:-600} - ($(date +%s) - start) )) node "$here/e2e.js"
echo "== e2e: passed in $(( $(date +%s) - start )) s"
