# VS Code extension end-to-end test prerequisites: Debian chromium (driven by playwright-core), ripgrep, krb5
# headers and a C++ toolchain for code-server's native modules, then code-server 4.100.3 from npm into
# ~/.cache/weft-vscode-e2e (vscode-extension/e2e/install.sh; idempotent, < 1 s when already installed).
weft_apt_install chromium ripgrep libkrb5-dev python3 make g++ unzip
# code-server's native modules (argon2, kerberos, spdlog, ...) are built by node-gyp, which downloads Node's
# headers from nodejs.org unless told where they are: that download fails on CI's closed network. The machine's
# ~/.npmrc says nodedir=/usr today; say it here too, so the install does not depend on that file. The headers
# come with the nodejs package (/usr/include/node).
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
bash vscode-extension/e2e/install.sh
