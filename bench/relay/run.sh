#!/usr/bin/env bash
# Relay benchmarks: bench/relay/run.sh fanout|load|ack|coldstart|all [extra RelayBench options]
# Starts the relay jar on a free loopback port with a fresh data directory (except coldstart, which starts its
# own), runs bench/relay/RelayBench.java against it with the sync client jar on the classpath, prints a
# table on stderr and one JSON line per benchmark on stdout. Builds missing jars with Maven first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
relay_jar="${WEFT_RELAY_JAR:-$root/relay-server/target/weft-relay.jar}"
client_jar="${WEFT_JAR:-$root/client/target/weft-client.jar}"
mode="${1:-all}"; shift || true

if [ ! -f "$relay_jar" ] || [ ! -f "$client_jar" ]; then
  echo "bench/relay: building jars…" >&2
  (cd "$root" && mvn -q -B -ntp -pl relay-server,client -am package -DskipTests >&2)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

relay_pid=""
data=""
start_relay() {
  data="$(mktemp -d /tmp/weft-bench-relay.XXXXXX)"
  port="$(free_port)"
  # The benchmarks create up to --rooms rooms from 127.0.0.1 at once: lift the per-address creation limit.
  java ${WEFT_RELAY_JAVA_OPTS:-} -jar "$relay_jar" --port "$port" --data "$data" --room-create-burst 100000 \
    >"$data.log" 2>&1 &
  relay_pid=$!
  for _ in $(seq 1 600); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.05
  done
  echo "bench/relay: relay did not become healthy; log:" >&2; tail -20 "$data.log" >&2; exit 1
}
stop_relay() {
  if [ -n "$relay_pid" ]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  relay_pid=""
  if [ -n "$data" ]; then rm -rf "$data" "$data.log"; data=""; fi
}
trap stop_relay EXIT

bench() { java -Xmx2g -cp "$client_jar" "$root/bench/relay/RelayBench.java" "$@"; }

run_one() {
  case "$1" in
    coldstart) bench coldstart --jar "$relay_jar" "${@:2}" ;;
    fanout|ack|load)
      start_relay
      bench "$1" --relay "http://127.0.0.1:$port" --pid "$relay_pid" "${@:2}"
      stop_relay ;;
    *) echo "usage: bench/relay/run.sh fanout|load|ack|coldstart|all [--option value]…" >&2; exit 2 ;;
  esac
}

if [ "$mode" = all ]; then
  for m in coldstart fanout ack load; do run_one "$m" "$@"; done
else
  run_one "$mode" "$@"
fi
