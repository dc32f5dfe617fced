// Hocuspocus 4.x anchor server for bench/relay: @hocuspocus/server with @hocuspocus/extension-sqlite (its own
// defaults: documents stored with the extension's debounce), quiet, on 127.0.0.1:PORT.
// Usage: node server.mjs PORT DATABASE_FILE     Prints "listening PORT" on stdout when ready.
import { Server } from "@hocuspocus/server";
import { SQLite } from "@hocuspocus/extension-sqlite";

const [port, database] = process.argv.slice(2);
if (!port || !database) {
  console.error("usage: node server.mjs PORT DATABASE_FILE");
  process.exit(2);
}
const server = new Server({
  port: Number(port),
  address: "127.0.0.1",
  quiet: true,
  extensions: [new SQLite({ database })],
});
await server.listen();
console.log(`listening ${server.address.port}`);
const stop = async () => { await server.destroy(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
