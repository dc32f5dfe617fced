#!/usr/bin/env bash
# Peer-to-peer measurements (issue 12; docs/benchmarks.md, "Peer to peer"), one run, loopback:
#   - keystroke -> remote replica latency p50/p99 over a LAN link, through a relay process, and through the relay
#     with a direct QUIC link (client LanLatencyTest);
#   - time to first sync of a late joiner in LAN mode, 100 and 1,000 documents, against the same joiner restarted
#     with a complete journal (client LanFirstSyncBenchmark).
# Prints the figures and the load average; asserts only correctness.
#   bench/p2p/run.sh                      WEFT_P2P_DOCS=100,1000 (document counts of the late-joiner runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
echo "uptime before: $(uptime)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! mvn -B -o -q -pl client -am verify -Dtest='LanLatencyTest,LanFirstSyncBenchmark' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dweft.excludedGroups=none \
    -Dweft.p2p.docs="${WEFT_P2P_DOCS:-100,1000}" >"$log" 2>&1; then
  tail -50 "$log" >&2
  echo "bench/p2p: the run failed (log above)" >&2
  exit 1
fi
# Maven's colour codes may prefix a line of test output: strip them before matching.
sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(keystroke|LAN late joiner|load:)' | awk '!seen[$0]++' || true
echo "uptime after: $(uptime)"
