#!/usr/bin/env bash
# Runs `bench/relay/run.sh load` with GC and safepoint logs of the relay and the generator (wall-clock time
# decorations) and every measured delivery's times (--samples-out), then bench/relay/tail-pauses.py on them: which
# process's pauses the slow deliveries follow.
#   bench/relay/tail.sh DIR [load options...]     e.g. WEFT_RELAY_CPUS=1 WEFT_BENCH_CPUS=0 bench/relay/tail.sh \
#       /tmp/t800 --clients 800 --rooms 200 --seconds 40 --warmup-seconds 30 --client netty
# WEFT_RELAY_JAVA_OPTS and WEFT_BENCH_JAVA_OPTS are kept and extended with the log options.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
dir="$1"; shift
mkdir -p "$dir"
clock_offset() { python3 -c "import time; print(time.time_ns() - time.monotonic_ns())"; }
clock_offset > "$dir/offset"
WEFT_RELAY_JAVA_OPTS="${WEFT_RELAY_JAVA_OPTS:-} -Xlog:gc,safepoint:file=$dir/relay-gc.log:time,uptime" \
WEFT_BENCH_JAVA_OPTS="${WEFT_BENCH_JAVA_OPTS:-} -Xlog:gc,safepoint:file=$dir/gen-gc.log:time,uptime" \
  "$here/run.sh" load "$@" --samples-out "$dir/samples.txt" | { grep '^{' || true; } | tail -1 > "$dir/result.json" \
  || echo "bench/relay/tail.sh: load exited with status $?; analysing what it wrote" >&2
[ -s "$dir/result.json" ] && [ -s "$dir/samples.txt" ] \
  || { echo "bench/relay/tail.sh: no result or samples in $dir" >&2; exit 1; }
clock_offset >> "$dir/offset"
python3 "$here/tail-pauses.py" "$dir"
