#!/usr/bin/env bash
# One load run two ways against one `serve --variant concurrent`: one process, and four shards
# (load --shard I/4, each from its own loopback address, one --start-at) merged with `sockbench merge`.
# Prints each round's figures side by side: requests scheduled and verified, throughput, p50 and p99.
# The merged counts must equal the whole load's exactly; the latencies should be alike.
#
#   bash bench/shards-vs-one.sh          # ROUNDS=3 CONNECTIONS=40 RATE=4000 DURATION=10s
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-40}"
RATE="${RATE:-4000}"
DURATION="${DURATION:-10s}"
SHARDS=4

[ -f dist/src/cli.js ] || npx tsc -p .
WORK="$(mktemp -d)"
node dist/src/cli.js serve --variant concurrent --framing length --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break
  sleep 0.1
done
TARGET="$(sed -n 's/^listening on //p' "$WORK/serve.out")"
LOAD=(load --target "$TARGET" --framing length --size 64 --connections "$CONNECTIONS" --rate "$RATE" --duration "$DURATION" --json)

summary() {
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    console.log(`${r.messages.scheduled} scheduled, ${r.messages.verified} verified, ${errors} errors, ${r.throughput.messagesPerSec} msg/s, p50 ${r.latencyUs.p50} us, p99 ${r.latencyUs.p99} us`);
  ' "$1"
}

echo "node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one:    sockbench ${LOAD[*]}"
echo "shards: sockbench ${LOAD[*]} --shard I/$SHARDS --local-address 127.0.0.(2+I) --start-at T; sockbench merge"
for round in $(seq 1 "$ROUNDS"); do
  node dist/src/cli.js "${LOAD[@]}" >"$WORK/one.json" || true
  start_at="$(date -u -d '+15 seconds' +%Y-%m-%dT%H:%M:%S.000Z)"
  pids=()
  for index in $(seq 0 $((SHARDS - 1))); do
    node dist/src/cli.js "${LOAD[@]}" --shard "$index/$SHARDS" --local-address "127.0.0.$((2 + index))" \
      --start-at "$start_at" >"$WORK/part-$index.json" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  node dist/src/cli.js merge "$WORK"/part-*.json --out "$WORK/merged.json" --json >/dev/null || true
  echo "round $round one:    $(summary "$WORK/one.json")"
  echo "round $round merged: $(summary "$WORK/merged.json")"
done
