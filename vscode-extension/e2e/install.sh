#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, from Debian and the npm registry only (no GitHub downloads):
# Debian chromium (+ ripgrep, krb5 headers, a C++ toolchain for code-server's native modules) and
# code-server 4.100.3 (= VS Code 1.100.3, the newest whose postinstall accepts Node 20).
# Adapted from the team's recipe (shared/e2e/install-code-server.sh). Idempotent: a second run takes < 1 s.
# Usage: e2e/install.sh            (tools go to $WEFT_E2E_TOOLS, default ~/.cache/weft-vscode-e2e)
set -euo pipefail
CODE_SERVER_VERSION=4.100.3
TOOLS=${WEFT_E2E_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/weft-vscode-e2e}
CS="$TOOLS/code-server-$CODE_SERVER_VERSION"

need_apt=()
for pkg in chromium ripgrep libkrb5-dev python3 make g++ unzip; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "e2e/install.sh: missing Debian packages: ${need_apt[*]} (run as root or: sudo apt-get install ${need_apt[*]})" >&2
    exit 2
  fi
  echo "== installing ${need_apt[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt may hold the lock (parallel CI steps): retry for a while.
  for i in $(seq 1 30); do
    if apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null; then break; fi
    if [ "$i" = 1 ]; then apt-get update -qq || true; fi
    [ "$i" = 30 ] && { echo "apt-get install failed" >&2; exit 1; }
    sleep 5
  done
fi

if [ -x "$CS/node_modules/.bin/code-server" ] && [ -f "$CS/.installed" ]; then
  exit 0
fi
# node-gyp builds code-server's native modules (argon2 …) against Node's headers: use the installed ones
# (Debian/nodesource put them in /usr/include/node) instead of downloading them, which fails without
# GitHub/nodejs.org access. Seen in a fresh chroot without ~/.npmrc: ENOTFOUND, argon2's build broke.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
echo "== installing code-server $CODE_SERVER_VERSION into $CS (npm, ~2 min on an empty cache)"
mkdir -p "$CS"
# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this tarball in $TMPDIR: give it Debian's.
export TMPDIR=${TMPDIR:-/tmp}
RGC="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RGC" "$CS/rgtmp"
cp /usr/bin/rg "$CS/rgtmp/rg"
tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$CS/rgtmp" rg
cd "$CS"
[ -f package.json ] || echo '{"name":"weft-e2e-code-server","private":true}' > package.json
# unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty's postinstall runs `npx node-gyp`.
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-fund --no-audit --loglevel=error \
  "code-server@$CODE_SERVER_VERSION"
"$CS/node_modules/.bin/code-server" --version
touch "$CS/.installed"
