#!/usr/bin/env bash
# Relay benchmarks: bench/relay/run.sh fanout|load|ack|coldstart|cluster|versus|pgcommit|all [extra RelayBench options]
# Starts the relay jar on a free loopback port with a fresh data directory (except coldstart, which starts its
# own), runs bench/relay/RelayBench.java against it with the sync client jar on the classpath, prints a
# table on stderr and one JSON line per benchmark on stdout. Builds missing jars with Maven first.
# cluster: a private PostgreSQL (initdb in a temp dir, as user postgres when root) and redis-server on free ports,
# 3 relay nodes on them (WEFT_CLUSTER_NODES to change), the load spread over the nodes, then one node SIGKILLed;
# then the same load on one node with SQLite. Needs Debian's postgresql and redis-server.
# Pinning: WEFT_RELAY_CPUS=LIST runs the server under test (the relay, every cluster node, Hocuspocus) and
# WEFT_BENCH_CPUS=LIST the load generator (RelayBench, Hocuspocus's load.mjs and its workers) with
# `taskset -c LIST`, e.g. WEFT_RELAY_CPUS=1 WEFT_BENCH_CPUS=0: the server gets one core of its own, so its
# figures are not shared with the generator's (a JVM pinned to one CPU sizes its pools for one processor).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
relay_jar="${WEFT_RELAY_JAR:-$root/relay-server/target/weft-relay.jar}"
client_jar="${WEFT_JAR:-$root/client/target/weft-client.jar}"
mode="${1:-all}"; shift || true

if [ ! -f "$relay_jar" ] || [ ! -f "$client_jar" ]; then
  echo "bench/relay: building jars…" >&2
  (cd "$root" && mvn -q -B -ntp -pl relay-server,client -am package -DskipTests >&2)
fi

# Command prefixes for the pinning above (empty when unset); taskset execs the command, so a background
# process's $! is the server's own pid (its CPU is read from /proc/PID).
server_pin=(); [ -n "${WEFT_RELAY_CPUS:-}" ] && server_pin=(taskset -c "$WEFT_RELAY_CPUS")
bench_pin=(); [ -n "${WEFT_BENCH_CPUS:-}" ] && bench_pin=(taskset -c "$WEFT_BENCH_CPUS")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

relay_pid=""
data=""
start_relay() {
  data="$(mktemp -d /tmp/weft-bench-relay.XXXXXX)"
  port="$(free_port)"
  # The benchmarks create up to --rooms rooms from 127.0.0.1 at once: lift the per-address creation limit.
  "${server_pin[@]}" java ${WEFT_RELAY_JAVA_OPTS:-} -jar "$relay_jar" --port "$port" --data "$data" --room-create-burst 100000 \
    ${WEFT_RELAY_EXTRA:-} >"$data.log" 2>&1 &
  relay_pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  echo "bench/relay: relay did not become healthy; log:" >&2; tail -20 "$data.log" >&2; exit 1
}
# Thousands of members connect at once from one generator on a shared machine: no per-address cap, and a
# Hello deadline (--auth-timeout-ms) long enough that a busy generator is not taken for a silent client.
start_relay_unlimited() { WEFT_RELAY_EXTRA="--max-connections-per-address 100000 --auth-timeout-ms 60000" start_relay; }
stop_relay() {
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  relay_pid=""
  if [ -n "$data" ]; then rm -rf "$data" "$data.log"; data=""; fi
}
pg_dir=""; redis_pid=""; node_pids=(); node_urls=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
start_pg() {
  local pg_bin
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$pg_bin" ] || ! command -v redis-server >/dev/null; then
    echo "bench/relay cluster: needs Debian's postgresql and redis-server (apt-get install postgresql redis-server)" >&2
    exit 2
  fi
  pg_dir="$(mktemp -d /tmp/weft-bench-pg.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  pg_port="$(free_port)"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U weft -A trust -E UTF8 --no-sync >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
  as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U weft weft
}
start_cluster() {
  local n p
  start_pg
  redis_port="$(free_port)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$pg_dir" >"$pg_dir/redis.log" 2>&1 &
  redis_pid=$!
  for n in $(seq 1 "${WEFT_CLUSTER_NODES:-3}"); do
    p="$(free_port)"
    mkdir -p "$pg_dir/n$n"
    # WEFT_BENCH_JFR=DIR: a JFR profile per node, DIR/node1.jfr … (written when the node stops; not the killed one)
    "${server_pin[@]}" java ${WEFT_RELAY_JAVA_OPTS:-} ${WEFT_BENCH_JFR:+-XX:StartFlightRecording=filename=$WEFT_BENCH_JFR/node$n.jfr,settings=profile,dumponexit=true} \
      -jar "$relay_jar" --port "$p" --data "$pg_dir/n$n" --room-create-burst 100000 \
      --max-connections-per-address 100000 --auth-timeout-ms 60000 --store "postgresql://127.0.0.1:$pg_port/weft?user=weft" \
      --redis "redis://127.0.0.1:$redis_port" >"$pg_dir/n$n.log" 2>&1 &
    node_pids+=($!); node_urls+=("http://127.0.0.1:$p")
  done
  for u in "${node_urls[@]}"; do
    for _ in $(seq 1 600); do curl -fsS "$u/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
    curl -fsS "$u/healthz" >/dev/null || { echo "bench/relay: node $u not healthy" >&2; tail -20 "$pg_dir"/n*.log >&2; exit 1; }
  done
}
stop_cluster() {
  local p
  for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  node_pids=(); node_urls=()
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; redis_pid=""; fi
  if [ -n "$pg_dir" ]; then
    as_pg "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"; pg_dir=""
  fi
}
trap 'stop_relay; stop_cluster; stop_hocuspocus; [ -z "${bench_native:-}" ] || rm -rf "$bench_native"' EXIT

# versus: the same load (--clients --rooms --rate --seconds) against the Weft relay (RelayBench lean members, one
# JVM) and against Hocuspocus 4.x with its SQLite extension (bench/hocuspocus: Yjs clients in --workers Node
# processes), one after the other in one run; each server is its own process, so client CPU is never server CPU.
# Prints both JSON lines and a line of Weft/Hocuspocus ratios.
hp_pid=""; hp_dir=""
stop_hocuspocus() {
  if [ -n "$hp_pid" ]; then kill "$hp_pid" 2>/dev/null || true; wait "$hp_pid" 2>/dev/null || true; hp_pid=""; fi
  if [ -n "$hp_dir" ]; then rm -rf "$hp_dir"; hp_dir=""; fi
}
versus() {
  local hp="$root/bench/hocuspocus" weft_json hp_json args=() workers=2 key
  # Both generators get the load's shape explicitly, so their own defaults (RelayBench's load runs 60 s, load.mjs
  # 30 s) can never make the two sides measure different loads or windows. The warm-up, when not given, both derive
  # from --seconds by the same rule.
  local -A load=([--clients]=200 [--rooms]=50 [--rate]=10 [--seconds]=30)
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers="$2" ;;
      --clients|--rooms|--rate|--seconds) load[$1]="$2" ;;
      *) args+=("$1" "$2") ;;
    esac
    shift 2
  done
  for key in --clients --rooms --rate --seconds; do args+=("$key" "${load[$key]}"); done
  if [ ! -d "$hp/node_modules/@hocuspocus/server" ]; then
    # better-sqlite3 builds from source with node-gyp: point it at the installed Node headers (no download).
    (cd "$hp" && npm_config_nodedir="${npm_config_nodedir:-/usr}" npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  echo "bench/relay versus: uptime before: $(uptime)" >&2
  start_relay_unlimited
  weft_json="$(bench load --relay "http://127.0.0.1:$port" --pid "$relay_pid" "${args[@]}")"
  stop_relay
  echo "$weft_json"
  echo "bench/relay versus: uptime between: $(uptime)" >&2
  hp_dir="$(mktemp -d /tmp/weft-bench-hocuspocus.XXXXXX)"
  (cd "$hp" && exec "${server_pin[@]}" node server.mjs "$(free_port)" "$hp_dir/hocuspocus.sqlite" >"$hp_dir/out" 2>&1) &
  hp_pid=$!
  for _ in $(seq 1 200); do grep -q '^listening' "$hp_dir/out" 2>/dev/null && break; sleep 0.05; done
  hp_json="$(cd "$hp" && "${bench_pin[@]}" node load.mjs --url "ws://127.0.0.1:$(awk '/^listening/ {print $2}' "$hp_dir/out")" \
    --pid "$hp_pid" --workers "$workers" "${args[@]}")"
  stop_hocuspocus
  echo "$hp_json"
  echo "bench/relay versus: uptime after: $(uptime)" >&2
  python3 - "$weft_json" "$hp_json" <<'PY'
import json, sys
w, h = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = lambda a, b: round(a / b, 3) if b else None
print(json.dumps({"benchmark": "versus_ratios_weft_over_hocuspocus",
  "fanout_p50": ratio(w["fanout_ms_p50"], h["fanout_ms_p50"]), "fanout_p99": ratio(w["fanout_ms_p99"], h["fanout_ms_p99"]),
  "cpu_per_1000_updates_per_s": ratio(w["relay_cpu_percent_per_1000_updates_per_s"], h["server_cpu_percent_per_1000_updates_per_s"]),
  "rss": ratio(w["relay_rss_mb_max"], h["server_rss_mb_max"])}))
PY
}

# Where each surviving node's time went over the whole run (its /metrics, histograms read as bucket bounds):
# storage commit, update → Ack, update → forwards handed over, and the cluster bus counters. On stderr.
node_report() {
  local url body
  for url in "$@"; do
    if ! body="$(curl -fsS "$url/metrics" 2>/dev/null)"; then
      echo "bench/relay node $url: no /metrics (the killed node)" >&2
      continue
    fi
    printf '%s\n' "$body" | python3 -c '
import sys
url = sys.argv[1]
buckets, scalars = {}, {}
for line in sys.stdin:
    if line.startswith("#") or not line.strip():
        continue
    name, value = line.strip().rsplit(" ", 1)
    if "_bucket{le=" in name:
        metric, le = name.split("_bucket{le=\"")
        buckets.setdefault(metric, []).append((float("inf") if le.startswith("+Inf") else float(le[:-2]), float(value)))
    else:
        scalars[name] = value
def quantile(rows, q):
    total = rows[-1][1]
    if total == 0:
        return "-"
    for le, count in rows:
        if count >= q * total:
            return "<=%gms" % (le * 1000) if le != float("inf") else ">max"
parts = []
for metric in ("weft_storage_commit_seconds", "weft_ack_latency_seconds", "weft_forward_latency_seconds"):
    if metric in buckets:
        rows = sorted(buckets[metric])
        parts.append("%s n=%d p50 %s p99 %s" % (metric[5:-8], rows[-1][1], quantile(rows, 0.5), quantile(rows, 0.99)))
for name, value in scalars.items():
    if name.startswith("weft_cluster_") and value not in ("0", "0.0"):
        parts.append("%s %s" % (name[13:], value))
print("bench/relay node %s: %s" % (url, "; ".join(parts)), file=sys.stderr)
' "$url"
  done
}

# WEFT_BENCH_JAVA_OPTS: extra JVM options for the generator. Pinned to one CPU it picks Serial GC, whose pauses (up
# to 360 ms at 800 clients) stop typing and then send a burst the relay queues, so at high load the generator, not
# the relay, sets the measured fan-out tail; with --client netty at 1,000 clients or more use
# "-Xms4g -Xmx4g -Xmn256m -XX:MaxTenuringThreshold=1 -XX:+UseSerialGC -XX:+AlwaysPreTouch" for the generator and
# WEFT_RELAY_JAVA_OPTS="-Xms1g -XX:+AlwaysPreTouch" for the relay (bench/relay/README.md, "Pinning").
# The relay jar comes first: --client netty needs Netty's codec-http (WebSocket client), which only the relay jar
# has; the client jar shades another Netty 4.2 patch release (for QUIC) without it, so Netty comes whole from the
# relay jar. The client jar adds the Socket.IO client and dev.weft.client. Both jars hold a (different) copy of
# Netty's epoll library, and Netty refuses to load either from the classpath then ("Multiple resources found …
# with different content"), so the relay jar's is extracted into a temporary directory given as
# java.library.path, where Netty looks first (without it the netty members fall back to NIO).
bench_native="$(mktemp -d /tmp/weft-bench-native.XXXXXX)"
python3 - "$relay_jar" "$bench_native" <<'PY' || true
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as jar:
    for name in jar.namelist():
        if name.startswith("META-INF/native/libnetty_transport_native_epoll_"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as out:
                out.write(jar.read(name))
PY
bench() {
  "${bench_pin[@]}" java -Xmx2g -Djava.library.path="$bench_native" ${WEFT_BENCH_JAVA_OPTS:-} \
    -cp "$relay_jar:$client_jar" "$root/bench/relay/RelayBench.java" "$@"
}

run_one() {
  case "$1" in
    coldstart) bench coldstart --jar "$relay_jar" "${@:2}" ;;
    load)
      # no per-address connection cap: every member connects from 127.0.0.1
      start_relay_unlimited
      bench load --relay "http://127.0.0.1:$port" --pid "$relay_pid" "${@:2}"
      stop_relay ;;
    versus) versus "${@:2}" ;;
    pgcommit)
      # one PostgresStore group commit (--docs documents × --per-doc appends), the step cross-node fan-out waits for
      start_pg
      java -cp "$relay_jar" "$root/bench/relay/PgCommitBench.java" "postgresql://127.0.0.1:$pg_port/weft?user=weft" "${@:2}"
      stop_cluster ;;
    fanout|ack)
      start_relay
      bench "$1" --relay "http://127.0.0.1:$port" --pid "$relay_pid" "${@:2}"
      stop_relay ;;
    cluster)
      echo "bench/relay cluster: load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
      start_cluster
      bench cluster --relays "$(IFS=,; echo "${node_urls[*]}")" --pids "$(IFS=,; echo "${node_pids[*]}")" \
        --label "cluster_${#node_urls[@]}_nodes_postgresql_redis" "${@:2}"
      node_report "${node_urls[@]}"
      stop_cluster
      # The same load on one node with SQLite (no kill: there is no other node to fail over to).
      start_relay_unlimited
      bench cluster --relays "http://127.0.0.1:$port" --pids "$relay_pid" --label single_node_sqlite "${@:2}" --kill false
      stop_relay
      echo "bench/relay cluster: load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2 ;;
    *) echo "usage: bench/relay/run.sh fanout|load|ack|coldstart|cluster|versus|pgcommit|all [--option value]…" >&2; exit 2 ;;
  esac
}

if [ "$mode" = all ]; then
  for m in coldstart fanout ack load; do run_one "$m" "$@"; done
else
  run_one "$mode" "$@"
fi
