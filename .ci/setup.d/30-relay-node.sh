# relay-server's interop tests drive the official Node socket.io-client (relay-server/src/test/node).
# Node 20 and npm come with the CI image; install the pinned client from the committed lockfile.
if [ ! -d relay-server/src/test/node/node_modules/socket.io-client ]; then
  (cd relay-server/src/test/node && npm ci --no-audit --no-fund)
fi
