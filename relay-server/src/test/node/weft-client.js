// Line-oriented driver of the official socket.io-client for relay-server's JUnit tests.
// Usage: node weft-client.js URL [transports]   (transports: comma list, default "websocket")
// stdin, one JSON object per line:  {"op":"emit","data":"<base64>"} | {"op":"emitRaw","data":<any JSON>}
//                                   | {"op":"disconnect"} | {"op":"connect"} | {"op":"exit"}
// stdout, one JSON object per line: {"ev":"connect"} | {"ev":"disconnect","reason":"..."}
//                                   | {"ev":"weft","data":"<base64>"} | {"ev":"connect_error","message":"..."}
"use strict";
const readline = require("readline");
const { io } = require("socket.io-client");

const url = process.argv[2];
const transports = (process.argv[3] || "websocket").split(",");
const socket = io(url, { transports, reconnectionDelay: 100, reconnectionDelayMax: 1000 });
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

socket.on("connect", () => out({ ev: "connect" }));
socket.on("disconnect", (reason) => out({ ev: "disconnect", reason }));
socket.on("connect_error", (err) => out({ ev: "connect_error", message: String(err && err.message) }));
socket.on("weft", (...args) => out({ ev: "weft", data: args[0], argc: args.length }));

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  switch (cmd.op) {
    case "emit": socket.emit("weft", String(cmd.data)); break;
    case "emitRaw": socket.emit("weft", cmd.data); break;
    case "disconnect": socket.disconnect(); break;
    case "connect": socket.connect(); break;
    case "exit": process.exit(0); break;
    default: out({ ev: "bad_command", op: cmd.op });
  }
}).on("close", () => process.exit(0));
