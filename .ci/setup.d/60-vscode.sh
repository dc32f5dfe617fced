# VS Code extension end-to-end test prerequisites: Debian chromium (driven by playwright-core), ripgrep, krb5
# headers and a C++ toolchain for code-server's native modules, then code-server 4.100.3 from npm into
# ~/.cache/weft-vscode-e2e (vscode-extension/e2e/install.sh; idempotent, < 1 s when already installed).
weft_apt_install chromium ripgrep libkrb5-dev python3 make g++ unzip
bash vscode-extension/e2e/install.sh
