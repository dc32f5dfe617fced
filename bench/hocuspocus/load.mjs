// Load generator for the Hocuspocus anchor, the same shape as `RelayBench load`: N clients in M rooms (client i in
// room i mod M, one Y.Doc per client with one Y.Text), each appending a unique token "<client>.<seq>;" every 1/R s.
// Fan-out latency = from just before the local edit to the moment another room member's Y.Doc integrated it
// (Y.Text observer), same process clock. The first --warmup-seconds (default min(5 s, S/4)) are excluded. Server CPU = utime+stime of the
// server PID from /proc over the measured window (% of one core), RSS sampled every 5 s. The clients run in
// --workers child processes (rooms are split between them, so every latency is measured inside one process);
// the server runs in its own process, so client work is never counted as server CPU.
// Wire: the Hocuspocus protocol as @hocuspocus/provider speaks it (per message: varString document name,
// varUint type; Auth token first, then Yjs sync step 1, then sync updates; SyncStatus replies count as acks).
// At the end every room's clients must hold the same text containing every token typed in that room.
//
// Usage: node load.mjs --url ws://127.0.0.1:PORT --pid PID [--clients 200 --rooms 50 --rate 10 --seconds 30
//        --workers 2 --warmup-seconds min(5, seconds/4)]; the warm-up is typed at the same rate and not measured.
//        Prints one JSON line on stdout, a short summary on stderr.
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import * as Y from "yjs";
import * as syncProtocol from "y-protocols/sync";
import * as encoding from "lib0/encoding";
import * as decoding from "lib0/decoding";

const MSG_SYNC = 0, MSG_AUTH = 2, MSG_SYNC_STATUS = 8;

function options(argv) {
  const o = { url: "", pid: 0, clients: 200, rooms: 50, rate: 10, seconds: 30, workers: 2, "warmup-seconds": -1 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, "");
    if (!(k in o)) throw new Error(`unknown option --${k}`);
    o[k] = typeof o[k] === "number" ? Number(argv[i + 1]) : argv[i + 1];
  }
  return o;
}

// ---------- worker: the clients of some rooms ----------
class Member {
  constructor(url, docName, id, stats) {
    this.docName = docName;
    this.id = id;
    this.stats = stats;
    this.doc = new Y.Doc();
    this.text = this.doc.getText("t");
    this.seq = 0;
    this.synced = false;
    this.sentUpdates = 0;
    this.acks = 0;
    this.doc.on("update", (update, origin) => {
      if (origin === "local") {
        this.send(MSG_SYNC, (e) => syncProtocol.writeUpdate(e, update));
        this.sentUpdates++;
      }
    });
    this.text.observe((event) => {
      if (event.transaction.origin === "local") return;
      const now = performance.now();
      for (const op of event.delta) {
        if (typeof op.insert !== "string") continue;
        for (const token of op.insert.split(";")) {
          const t = token && stats.sentAt.get(token);
          if (t !== undefined && t > 0) stats.latencies.push(now - t);
        }
      }
    });
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.binaryType = "nodebuffer";
    this.ws.on("open", () => {
      this.send(MSG_AUTH, (e) => { encoding.writeVarUint(e, 0); encoding.writeVarString(e, ""); });
      this.send(MSG_SYNC, (e) => syncProtocol.writeSyncStep1(e, this.doc));
    });
    this.ws.on("message", (data) => this.onMessage(data));
    this.ws.on("close", () => { if (!stats.closing) stats.losses++; });
    this.ws.on("error", () => { stats.errors++; });
  }

  send(type, body) {
    const e = encoding.createEncoder();
    encoding.writeVarString(e, this.docName);
    encoding.writeVarUint(e, type);
    body(e);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encoding.toUint8Array(e));
  }

  onMessage(data) {
    const d = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    decoding.readVarString(d);
    const type = decoding.readVarUint(d);
    if (type === MSG_SYNC) {
      const reply = encoding.createEncoder();
      encoding.writeVarString(reply, this.docName);
      encoding.writeVarUint(reply, MSG_SYNC);
      const headerLength = encoding.length(reply);
      const kind = syncProtocol.readSyncMessage(d, reply, this.doc, "remote");
      if (encoding.length(reply) > headerLength && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(encoding.toUint8Array(reply));
      }
      if (kind === syncProtocol.messageYjsSyncStep2) this.synced = true;
    } else if (type === MSG_SYNC_STATUS) {
      if (decoding.readVarUint(d) === 1) this.acks++;
    } else if (type !== MSG_AUTH) {
      // awareness and others: not used by this load
    }
  }

  type(measured) {
    const token = `${this.id}.${this.seq++}`;
    this.stats.sentAt.set(token, measured ? performance.now() : 0);
    this.stats.typed++;
    if (measured) this.stats.typedMeasured++;
    this.doc.transact(() => this.text.insert(this.text.length, token + ";"), "local");
  }
}

async function worker() {
  const stats = { sentAt: new Map(), latencies: [], typed: 0, typedMeasured: 0, errors: 0, losses: 0, closing: false };
  const o = await new Promise((resolve) => process.once("message", resolve));
  const members = o.ids.map((id) => new Member(o.url, `room-${id % o.rooms}`, id, stats));
  process.send({ kind: "created" });
  const go = await new Promise((resolve) => {
    const poll = setInterval(() => {
      const synced = members.filter((m) => m.synced).length;
      process.send({ kind: "synced", synced });
    }, 1000);
    process.once("message", (m) => { clearInterval(poll); resolve(m); });
  });
  // The generator's CPU over the measured window only (the server's is read over the same window), so that
  // generator_cpu_percent_avg, divided by the window's length, is a share of the window and not of warm-up + window.
  let cpu0 = process.cpuUsage();
  const cpuWindowTimer = setTimeout(() => { cpu0 = process.cpuUsage(); }, Math.max(0, go.measureFrom - Date.now()));
  const period = 1000 / o.rate;
  const timers = [];
  members.forEach((m) => {
    const offset = period * (m.id / o.clients);
    const start = go.startAt - Date.now() + offset;
    timers.push(setTimeout(() => {
      const tick = () => { if (Date.now() < go.endAt) m.type(Date.now() >= go.measureFrom); };
      tick();
      timers.push(setInterval(tick, period));
    }, Math.max(0, start)));
  });
  await new Promise((r) => setTimeout(r, go.endAt - Date.now()));
  timers.forEach((t) => clearInterval(t));
  clearTimeout(cpuWindowTimer);
  const cpu = process.cpuUsage(cpu0);
  // convergence: every room's members hold the same text, containing every token typed in that room
  const byRoom = new Map();
  for (const m of members) {
    if (!byRoom.has(m.docName)) byRoom.set(m.docName, []);
    byRoom.get(m.docName).push(m);
  }
  const convergedRooms = () => {
    let converged = 0;
    for (const ms of byRoom.values()) {
      const texts = ms.map((m) => m.text.toString());
      const typed = ms.reduce((s, m) => s + m.seq, 0);
      const tokens = texts[0].split(";").filter((x) => x).length;
      if (texts.every((t) => t === texts[0]) && tokens === typed) converged++;
    }
    return converged;
  };
  const unackedNow = () => members.reduce((s, m) => s + Math.max(0, m.sentUpdates - m.acks), 0);
  // Drain (as RelayBench waits for acks): a backlogged server still delivers what was typed; up to 120 s.
  const drainUntil = Date.now() + 120_000;
  let converged = convergedRooms();
  while ((converged < byRoom.size || unackedNow() > 0) && Date.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 500));
    converged = convergedRooms();
  }
  stats.closing = true;
  const unacked = unackedNow();
  members.forEach((m) => m.ws.close());
  process.send({
    kind: "done", latencies: Float64Array.from(stats.latencies), typed: stats.typed,
    typedMeasured: stats.typedMeasured, errors: stats.errors, losses: stats.losses, unacked,
    rooms: byRoom.size, converged, cpuMicros: cpu.user + cpu.system,
  }, () => process.exit(0));
}

// ---------- parent ----------
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.substring(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}
function rssKb(pid) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) : -1;
}
function pct(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
}
const round = (x) => Math.round(x * 1000) / 1000;

async function parent() {
  const o = options(process.argv.slice(2));
  const file = fileURLToPath(import.meta.url);
  const workers = [];
  for (let w = 0; w < o.workers; w++) {
    const ids = [];
    for (let i = 0; i < o.clients; i++) if ((i % o.rooms) % o.workers === w) ids.push(i);
    const child = fork(file, ["--worker"], { serialization: "advanced" });
    const state = { child, synced: 0, done: null };
    child.on("message", (m) => {
      if (m.kind === "synced") state.synced = m.synced;
      if (m.kind === "done") state.done = m;
    });
    child.send({ url: o.url, ids, rooms: o.rooms, rate: o.rate, clients: o.clients });
    workers.push(state);
  }
  const setup0 = Date.now();
  while (workers.reduce((s, w) => s + w.synced, 0) < o.clients) {
    if (Date.now() - setup0 > 300e3) throw new Error("members not synced in 300 s");
    await new Promise((r) => setTimeout(r, 1000));
    console.error(`hocuspocus load: ${workers.reduce((s, w) => s + w.synced, 0)}/${o.clients} synced`);
  }
  const setupSeconds = (Date.now() - setup0) / 1000;
  const warmup = (o["warmup-seconds"] >= 0 ? o["warmup-seconds"] : Math.min(5, o.seconds / 4)) * 1000;
  const startAt = Date.now() + 500, measureFrom = startAt + warmup, endAt = measureFrom + o.seconds * 1000;
  workers.forEach((w) => w.child.send({ startAt, measureFrom, endAt }));
  await new Promise((r) => setTimeout(r, measureFrom - Date.now()));
  const cpu0 = cpuTicks(o.pid), wall0 = Date.now();
  const rss = [];
  while (Date.now() < endAt) {
    await new Promise((r) => setTimeout(r, Math.min(5000, Math.max(1, endAt - Date.now()))));
    rss.push(rssKb(o.pid));
  }
  const cpu1 = cpuTicks(o.pid), wall = (Date.now() - wall0) / 1000;
  const load1 = Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  while (workers.some((w) => !w.done)) await new Promise((r) => setTimeout(r, 200));
  const all = [];
  let typed = 0, typedMeasured = 0, errors = 0, losses = 0, unacked = 0, rooms = 0, converged = 0, genMicros = 0;
  for (const { done } of workers) {
    for (const x of done.latencies) all.push(x);
    typed += done.typed; typedMeasured += done.typedMeasured; errors += done.errors; losses += done.losses;
    unacked += done.unacked; rooms += done.rooms; converged += done.converged; genMicros += done.cpuMicros;
  }
  all.sort((a, b) => a - b);
  const serverCpu = 100 * (cpu1 - cpu0) / 100 / wall;
  const updatesPerSecond = typedMeasured / o.seconds;
  const r = {
    benchmark: "load", server: "hocuspocus", clients: o.clients, rooms: o.rooms, rate_per_client_per_s: o.rate,
    seconds: o.seconds, keystrokes: typed, measured_keystrokes: typedMeasured,
    deliveries: all.length, measured_deliveries_expected: typedMeasured * (o.clients / o.rooms - 1),
    setup_seconds_all_synced: setupSeconds, errors, connection_losses: losses, unacked_at_end: unacked,
    rooms_converged: `${converged}/${rooms}`,
    fanout_ms_p50: round(pct(all, 50)), fanout_ms_p90: round(pct(all, 90)), fanout_ms_p99: round(pct(all, 99)),
    fanout_ms_max: round(all.length ? all[all.length - 1] : NaN),
    server_cpu_percent_avg: round(serverCpu), updates_per_s: round(updatesPerSecond),
    server_cpu_percent_per_1000_updates_per_s: round(serverCpu / (updatesPerSecond / 1000)),
    server_rss_mb_max: round(Math.max(...rss) / 1024),
    generator_cpu_percent_avg: round(100 * genMicros / 1e6 / wall), load_average_1m: load1,
  };
  console.log(JSON.stringify(r));
  console.error(`hocuspocus load: ${o.clients} clients/${o.rooms} rooms @${o.rate}/s: p50 ${r.fanout_ms_p50} ms, ` +
    `p99 ${r.fanout_ms_p99} ms, ${r.deliveries}/${r.measured_deliveries_expected} deliveries, server CPU ` +
    `${r.server_cpu_percent_avg} %, RSS ${r.server_rss_mb_max} MB, converged ${r.rooms_converged}`);
  process.exit(0);
}

if (process.argv[2] === "--worker") worker(); else parent();
