# Real editors for the Neovim/Emacs end-to-end tests (lsp-server/src/test/java/dev/weft/lsp/e2e):
# Neovim 0.7 (headless) and Emacs 28 with Debian's eglot 1.9 (batch). Idempotent: installs only what is
# missing. The tests skip with a message when these are absent, so a machine without them still builds.
weft_apt_install neovim emacs-nox elpa-eglot
