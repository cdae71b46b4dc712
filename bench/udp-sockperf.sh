#!/usr/bin/env bash
# sockbench over UDP against sockperf, the usual tool for UDP latency, on this machine:
# 1. latency: `sockperf ping-pong` (64 B, one socket, against `sockperf server`) beside
#    `sockbench load --transport udp --connections 1` (64 B, against `sockbench serve --transport udp`),
#    alternating for ROUNDS rounds; prints each round's p50 round trip and the median ratio sockbench/sockperf.
#    sockperf runs with --full-rtt so that both report the whole round trip (by default it halves it).
# 2. loss: raises the open-loop --rate of `sockbench load --transport udp` step by step and prints, per
#    step, the rate achieved, the share of requests without a reply and p50/p99; it stops once loss has
#    appeared (and one step beyond, to show the curve) and prints the rate at which it first did. A reply
#    later than --timeout (2 s) counts as lost too: past the server's capacity the datagrams queue in the
#    receive buffers until they overflow, and the queue's wait alone outlasts the timeout.
#
#   bash bench/udp-sockperf.sh        # ROUNDS=3 SECONDS_PER_RUN=5 RATES="2000 5000 10000 ..." by default
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
RATES="${RATES:-2000 5000 10000 15000 20000 30000 40000 50000 70000 100000}"
# Open loop: enough requests in flight that the driver sends at the asked rate whatever the replies do,
# so that a server (or a receive buffer) that falls behind shows as loss, not as a slower sender.
LOSS_CONNECTIONS="${LOSS_CONNECTIONS:-4}"
LOSS_PIPELINING="${LOSS_PIPELINING:-100000}"

if ! command -v sockperf >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y sockperf
fi
[ -f dist/src/cli.js ] || npx tsc -p .

free_udp_port() {
  node -e "const s=require('node:dgram').createSocket('udp4');s.bind(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

SOCKPERF_PORT="$(free_udp_port)"
sockperf server -i 127.0.0.1 -p "$SOCKPERF_PORT" >/dev/null 2>&1 &
SOCKPERF_PID=$!
SERVE_OUT="$(mktemp)"
node dist/src/cli.js serve --transport udp --port 0 >"$SERVE_OUT" &
SERVE_PID=$!
trap 'kill "$SOCKPERF_PID" "$SERVE_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -f "$SERVE_OUT"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$SERVE_OUT" && break
  sleep 0.1
done
TARGET="$(sed -n 's/^listening on //p' "$SERVE_OUT")"
sleep 0.5

sockbench_load() {
  node dist/src/cli.js load --transport udp --target "$TARGET" --size 64 "$@" --json || true
}

# Prints the fields asked of a sockbench load result, space separated.
fields() {
  node -e '
    const r = JSON.parse(process.argv[1]);
    const lost = r.mismatches.lost + r.errors.timeout;
    const other = Object.values(r.errors).reduce((a, b) => a + b, 0) - lost;
    const values = {
      p50: r.latencyUs.p50, p99: r.latencyUs.p99, rps: r.throughput.messagesPerSec,
      achieved: r.throughput.achievedRate ?? 0, sent: r.messages.sent,
      lossPercent: r.messages.sent > 0 ? ((100 * lost) / r.messages.sent).toFixed(3) : "0.000", lost, other,
    };
    console.log(process.argv.slice(2).map((name) => values[name]).join(" "));' "$@"
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "sockperf $(sockperf --version 2>&1 | grep -o 'version [^ ]*' | head -1), node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== latency, 64 B, one socket, ${SECONDS_PER_RUN} s per run, ${ROUNDS} rounds"
echo "sockperf ping-pong -i 127.0.0.1 -p $SOCKPERF_PORT -m 64 -t $SECONDS_PER_RUN --full-rtt   (against sockperf server)"
echo "sockbench load --transport udp --target $TARGET --size 64 --connections 1 --pipelining 1 --warmup 1s --duration ${SECONDS_PER_RUN}s"
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  sockperf_p50="$(sockperf ping-pong -i 127.0.0.1 -p "$SOCKPERF_PORT" -m 64 -t "$SECONDS_PER_RUN" --full-rtt 2>&1 |
    awk '/percentile 50.000/ { print $NF }')"
  read -r sockbench_p50 sockbench_rps other < <(fields "$(sockbench_load --connections 1 --pipelining 1 \
    --warmup 1s --duration "${SECONDS_PER_RUN}s")" p50 rps other)
  ratio="$(node -e 'console.log((process.argv[1] / process.argv[2]).toFixed(2))' "$sockbench_p50" "$sockperf_p50")"
  ratios+=("$ratio")
  echo "round $round: p50 round trip sockperf ${sockperf_p50} us, sockbench ${sockbench_p50} us (${sockbench_rps} msg/s, ${other} errors other than loss): ratio ${ratio}"
done
echo "median p50 ratio sockbench/sockperf: $(printf '%s\n' "${ratios[@]}" | median)"
echo
echo "== loss against the open-loop rate: 64 B, ${LOSS_CONNECTIONS} connections x ${LOSS_PIPELINING} in flight, ${SECONDS_PER_RUN} s per step"
echo "sockbench load --transport udp --target $TARGET --size 64 --connections $LOSS_CONNECTIONS --pipelining $LOSS_PIPELINING --rate RATE --duration ${SECONDS_PER_RUN}s --timeout 2s"
printf '%10s %10s %10s %10s %12s %12s\n' "rate" "achieved" "verified/s" "loss %" "p50 us" "p99 us"
first_loss=""
steps_after_loss=0
for rate in $RATES; do
  read -r achieved rps loss_percent lost p50 p99 < <(fields "$(sockbench_load --connections "$LOSS_CONNECTIONS" \
    --pipelining "$LOSS_PIPELINING" --rate "$rate" --duration "${SECONDS_PER_RUN}s" --timeout 2s)" \
    achieved rps lossPercent lost p50 p99)
  printf '%10s %10s %10s %10s %12s %12s\n' "$rate" "$achieved" "$rps" "$loss_percent" "$p50" "$p99"
  if [ -z "$first_loss" ] && [ "$lost" -gt 0 ]; then first_loss="$rate"; fi
  if [ -n "$first_loss" ]; then
    steps_after_loss=$((steps_after_loss + 1))
    [ "$steps_after_loss" -ge 2 ] && break
  fi
done
if [ -n "$first_loss" ]; then
  echo "loss first appeared at --rate $first_loss requests/s"
else
  echo "no loss up to --rate $(echo "$RATES" | awk '{ print $NF }') requests/s"
fi
