#!/usr/bin/env bash
# The latency floor: one connection, one 64-byte message at a time, over TCP on 127.0.0.1. sockperf
# ping-pong against its own server (C, the kernel's round trip and little else) beside sockbench load
# --connections 1 --pipelining 1 --size 64 against bench/echo-server.c (length framing, every reply
# verified), and the least a Node.js client does for the same round trip (bench/node-ping-pong.ts: the
# runtime's own floor), alternating for a few rounds; prints each round's median round trips and the
# median ratios sockbench/sockperf (the goal: within 1.2x), node/sockperf and sockbench/node.
#
#   bash bench/latency-floor.sh        # ROUNDS=3 SECONDS_PER_RUN=3 by default
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-3}"

if ! command -v sockperf >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y sockperf
fi
[ -f dist/src/cli.js ] && [ -f dist/bench/node-ping-pong.js ] || npx tsc -p .
mkdir -p dist/bench
cc -O2 -o dist/bench/echo-server bench/echo-server.c

free_port() {
  node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
SOCKPERF_PORT="$(free_port)"
sockperf server --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" >/dev/null 2>&1 &
SOCKPERF_PID=$!
ECHO_LOG="$(mktemp)"
dist/bench/echo-server length 0 >"$ECHO_LOG" &
ECHO_PID=$!
trap 'kill "$SOCKPERF_PID" "$ECHO_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -f "$ECHO_LOG"' EXIT
for _ in $(seq 1 50); do
  grep -q 'listening on' "$ECHO_LOG" && break
  sleep 0.1
done
ECHO_PORT="$(grep -o '[0-9]*$' "$ECHO_LOG")"
sleep 0.5 # sockperf's server prints nothing parseable when ready; it binds within milliseconds

echo "sockperf $(sockperf --version 2>&1 | grep -o 'version [^ ]*'), node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sockperf ping-pong --tcp -i 127.0.0.1 -p $SOCKPERF_PORT -m 64 -t $SECONDS_PER_RUN --full-rtt"
echo "sockbench load --target 127.0.0.1:$ECHO_PORT --framing length --connections 1 --pipelining 1 --size 64 --warmup 500ms --duration ${SECONDS_PER_RUN}s"
echo "node dist/bench/node-ping-pong.js $ECHO_PORT $SECONDS_PER_RUN"
ratios=()
node_ratios=()
over_node=()
ratio_of() { node -e 'console.log((process.argv[1] / process.argv[2]).toFixed(3))' "$1" "$2"; }
median_of() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for round in $(seq 1 "$ROUNDS"); do
  sockperf_p50="$(sockperf ping-pong --tcp -i 127.0.0.1 -p "$SOCKPERF_PORT" -m 64 -t "$SECONDS_PER_RUN" --full-rtt 2>&1 |
    awk '/percentile 50.000/ { print $NF }')"
  sockbench_json="$(node dist/src/cli.js load --target "127.0.0.1:$ECHO_PORT" --framing length --connections 1 \
    --pipelining 1 --size 64 --warmup 500ms --duration "${SECONDS_PER_RUN}s" --json)"
  read -r sockbench_p50 errors < <(node -e '
    const r = JSON.parse(process.argv[1]);
    console.log(r.latencyUs.p50, Object.values(r.errors).reduce((a, b) => a + b, 0));' "$sockbench_json")
  node_p50="$(node dist/bench/node-ping-pong.js "$ECHO_PORT" "$SECONDS_PER_RUN")"
  ratio="$(ratio_of "$sockbench_p50" "$sockperf_p50")"
  ratios+=("$ratio")
  node_ratios+=("$(ratio_of "$node_p50" "$sockperf_p50")")
  over_node+=("$(ratio_of "$sockbench_p50" "$node_p50")")
  echo "round $round: sockperf p50 ${sockperf_p50} us, sockbench p50 ${sockbench_p50} us (${errors} errors), bare node p50 ${node_p50} us; sockbench/sockperf ${ratio}"
done
echo "median p50 ratio sockbench/sockperf: $(median_of "${ratios[@]}") (goal <= 1.2)"
echo "median p50 ratio node/sockperf: $(median_of "${node_ratios[@]}") (the runtime's floor), sockbench/node: $(median_of "${over_node[@]}")"
