#!/usr/bin/env bash
# Shared-folder scale benchmark: bench/workspace/run.sh [FILES] [BYTES_PER_FILE]
# Generates a deterministic source-like tree (default 5,000 files, ~50 MB: text files of varied sizes around 10 KB,
# 20 binaries, in 20×100 nested directories, plus a .gitignore and an ignored build/ directory), starts a relay on a free loopback port with a fresh data directory, then
# measures with the real bin/weft:
#   share: from start until `weft share DIR` prints its JSON line (initial upload acknowledged durable);
#   join:  from start until `weft join --link L DIR2` prints {"synced":true,...} (every file on disk);
# and checks the joined tree equals the shared one (diff -r). Reports the relay's RSS (ps) after each phase and
# its peak (VmHWM), the machine's load average, and one JSON line on stdout. Builds missing jars first.
# WEFT_BENCH_JFR=DIR records a JFR profile of each process (relay.jfr, share.jfr, join.jfr) into DIR.
# WEFT_RELAY_ARGS="--flag value …" passes more flags to the relay (e.g. a replica cap).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
relay_jar="${WEFT_RELAY_JAR:-$root/relay-server/target/weft-relay.jar}"
client_jar="${WEFT_JAR:-$root/client/target/weft-client.jar}"
files="${1:-5000}"
bytes="${2:-10000}"

if [ ! -f "$relay_jar" ] || [ ! -f "$client_jar" ]; then
  echo "bench/workspace: building jars…" >&2
  (cd "$root" && mvn -q -B -ntp -pl relay-server,client -am package -DskipTests >&2)
fi

work="$(mktemp -d /tmp/weft-bench-ws.XXXXXX)"
relay_pid=""; share_pid=""; join_pid=""
cleanup() {
  for p in $join_pid $share_pid $relay_pid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "${WEFT_BENCH_KEEP_LOGS:-}" ]; then
    mkdir -p "$WEFT_BENCH_KEEP_LOGS" && cp "$work"/*.log "$work"/*.err "$WEFT_BENCH_KEEP_LOGS"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench/workspace: generating $files files of ~$bytes bytes in $work/src…" >&2
python3 - "$work/src" "$files" "$bytes" <<'PY'
# Deterministic (seed 42): source-like text files of varied sizes (log-normal around BYTES, 200 B … 20×BYTES) in
# nested packages, ~1 in 250 a binary (random bytes with a PNG header, 2–64 KB), a .gitignore and an ignored build/.
import math, os, sys, random
root, n, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(42)
words = ["alpha", "beta", "gamma", "delta", "return", "class", "def", "int", "value", "node", "tree", "list",
         "if", "else", "for", "while", "self", "this", "null", "true", "false", "import", "from", "const"]
exts = [".java", ".py", ".ts", ".go", ".md", ".c", ".h", ".rs"]
for i in range(n):
    d = os.path.join(root, "mod%02d" % (i % 20), "pkg%03d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    if i % 250 == 7:
        with open(os.path.join(d, "image%05d.png" % i), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + rnd.randbytes(rnd.randint(2000, 64000)))
        continue
    target = max(200, min(20 * size, int(rnd.lognormvariate(math.log(size) - 0.5, 1.0))))
    lines, total, depth = [], 0, 0
    while total < target:
        indent = "    " * depth
        line = indent + " ".join(rnd.choice(words) for _ in range(rnd.randint(2, 10)))
        r = rnd.random()
        if r < 0.15 and depth < 4:
            line += " {"; depth += 1
        elif r < 0.3 and depth > 0:
            line = "    " * (depth - 1) + "}"; depth -= 1
        else:
            line += ";"
        lines.append(line + "\n"); total += len(line) + 1
    with open(os.path.join(d, "File%05d%s" % (i, exts[i % len(exts)])), "w") as f:
        f.write("".join(lines))
os.makedirs(os.path.join(root, "build"), exist_ok=True)
for i in range(50):
    with open(os.path.join(root, "build", "out%d.class" % i), "wb") as f:
        f.write(rnd.randbytes(1000))
with open(os.path.join(root, ".gitignore"), "w") as f:
    f.write("build/\n")
PY
size_mb=$(du -sm --exclude=build "$work/src" | cut -f1)

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
jfr() { # name: the JFR option for one process, or nothing
  [ -n "${WEFT_BENCH_JFR:-}" ] && mkdir -p "$WEFT_BENCH_JFR" \
    && echo "-XX:StartFlightRecording=filename=$WEFT_BENCH_JFR/$1.jfr,settings=profile,dumponexit=true"
  return 0
}
# WEFT_RELAY_ARGS: more relay flags, e.g. "--max-loaded-docs-per-room 2000".
read -r -a relay_args <<<"${WEFT_RELAY_ARGS:-}"
java ${WEFT_RELAY_JAVA_OPTS:--Xmx1g} $(jfr relay) -jar "$relay_jar" --port "$port" --data "$work/data" ${relay_args[@]+"${relay_args[@]}"} >"$work/relay.log" 2>&1 &
relay_pid=$!
for _ in $(seq 1 2400); do   # up to 2 minutes on a loaded machine
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
rss() { ps -o rss= -p "$relay_pid" | awk '{printf "%.0f", $1/1024}'; }
hwm() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$relay_pid/status"; }
# An array, not a function: "$!" must be the java process itself so that cleanup can stop it.
read -r -a java_opts <<<"${WEFT_JAVA_OPTS:--Xmx1g}"
weft() { # name: the bin/weft command line with that process's JFR option
  local j; j="$(jfr "$1")"
  echo java "${java_opts[@]}" ${j:+"$j"} -cp "$client_jar" dev.weft.client.cli.WeftCli
}
read -r -a weft_share <<<"$(weft share)"
read -r -a weft_join <<<"$(weft join)"
await_line() { # file pid
  while ! grep -q '^{' "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "bench/workspace: process exited early:" >&2; cat "$1.err" >&2; exit 1; }
    sleep 0.05
  done
}
now() { date +%s.%N; }
# CPU seconds (user + system) a process used so far: less sensitive than wall time to a busy machine.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14+$15)/hz}' "/proc/$1/stat"; }

rss_idle=$(rss)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(now)
"${weft_share[@]}" share "$work/src" --relay "http://127.0.0.1:$port" >"$work/share.out" 2>"$work/share.out.err" &
share_pid=$!
await_line "$work/share.out" "$share_pid"
t1=$(now)
cpu_share=$(cpu "$share_pid"); cpu_relay_share=$(cpu "$relay_pid")
rss_share=$(rss)
link=$(grep -m1 '^{' "$work/share.out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["link"])')

mkdir -p "$work/joined"
t2=$(now)
"${weft_join[@]}" join --link "$link" "$work/joined" >"$work/join.out" 2>"$work/join.out.err" &
join_pid=$!
await_line "$work/join.out" "$join_pid"
t3=$(now)
cpu_join=$(cpu "$join_pid"); cpu_relay_join=$(cpu "$relay_pid")
rss_join=$(rss)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
peak=$(hwm)
metric() { curl -fsS "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m && !seen {print $2; seen = 1}'; }
replicas=$(metric weft_replicas); replicas_peak=$(metric weft_replicas_peak)
replica_loads=$(metric weft_replica_loads_total); evictions=$(metric weft_replica_evictions_total)
joined_files=$(grep -m1 '^{' "$work/join.out" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["files"])')
if diff -r --exclude=.weft --exclude=build "$work/src" "$work/joined" >/dev/null; then same=true; else same=false; fi

share_s=$(python3 -c "print(round($t1-$t0,2))")
join_s=$(python3 -c "print(round($t3-$t2,2))")
{
  echo "files $files, $size_mb MB shared (build/ ignored)"
  echo "share: $share_s s until the JSON line (upload durable)"
  echo "join:  $join_s s until {\"synced\":true,\"files\":$joined_files}; trees identical: $same"
  echo "CPU seconds: share process $cpu_share, join process $cpu_join; relay $cpu_relay_share after share, $cpu_relay_join after join"
  echo "relay RSS: idle $rss_idle MB, after share $rss_share MB, after join $rss_join MB, peak $peak MB"
  echo "relay replicas in memory: now ${replicas:-?}, peak ${replicas_peak:-?}; loaded back ${replica_loads:-?}, evicted ${evictions:-?}"
  echo "load average before: $load_before; after: $load_after ($(nproc) cores)"
} >&2
printf '{"files":%s,"mb":%s,"shareSeconds":%s,"joinSeconds":%s,"joinedFiles":%s,"identical":%s,"relayRssIdleMb":%s,"relayRssAfterShareMb":%s,"relayRssAfterJoinMb":%s,"relayPeakMb":%s,"shareCpuSeconds":%s,"joinCpuSeconds":%s,"relayCpuSecondsAfterJoin":%s,"relayReplicasPeak":%s,"relayReplicaLoads":%s,"loadBefore":"%s","loadAfter":"%s"}\n' \
  "$files" "$size_mb" "$share_s" "$join_s" "$joined_files" "$same" "$rss_idle" "$rss_share" "$rss_join" "$peak" "$cpu_share" "$cpu_join" "$cpu_relay_join" "${replicas_peak:-null}" "${replica_loads:-null}" "$load_before" "$load_after"
[ "$same" = true ]
