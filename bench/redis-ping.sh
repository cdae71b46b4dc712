#!/usr/bin/env bash
# sockbench load against redis-benchmark, both driving one redis-server's inline PING on 127.0.0.1
# (50 connections, 16 pipelined), alternating for a few rounds; prints each round's rates and the median
# ratio sockbench/redis-benchmark. The goal: sockbench at least as fast while recording every latency.
#
#   bash bench/redis-ping.sh            # ROUNDS=3 AMOUNT=1000000 SOCKBENCH_WORKERS=1 by default
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
AMOUNT="${AMOUNT:-1000000}"
WORKERS="${SOCKBENCH_WORKERS:-1}"

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-tools
fi
[ -f dist/src/cli.js ] || npx tsc -p .

PORT="$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --daemonize no --loglevel warning &
REDIS_PID=$!
trap 'kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  redis-cli -h 127.0.0.1 -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

echo "redis $(redis-server --version | grep -o 'v=[^ ]*'), node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $AMOUNT PINGs, 50 connections x 16 pipelined"
echo "redis-benchmark -h 127.0.0.1 -p $PORT -t ping_inline -c 50 -P 16 -n $AMOUNT --csv"
echo "sockbench load --target 127.0.0.1:$PORT --framing eof --token '\\r\\n' --message PING --verify none --connections 50 --pipelining 16 --amount $AMOUNT --workers $WORKERS"
ratios=()
for round in $(seq 1 "$ROUNDS"); do
  redis_rps="$(redis-benchmark -h 127.0.0.1 -p "$PORT" -t ping_inline -c 50 -P 16 -n "$AMOUNT" --csv |
    awk -F'"' '/PING_INLINE/ { print $4 }')"
  sockbench_json="$(node dist/src/cli.js load --target "127.0.0.1:$PORT" --framing eof --token '\r\n' --message PING \
    --verify none --connections 50 --pipelining 16 --amount "$AMOUNT" --workers "$WORKERS" --json)"
  read -r sockbench_rps errors p99 < <(node -e '
    const r = JSON.parse(process.argv[1]);
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    console.log(r.throughput.messagesPerSec, errors, r.latencyUs.p99);' "$sockbench_json")
  ratio="$(node -e 'console.log((process.argv[1] / process.argv[2]).toFixed(3))' "$sockbench_rps" "$redis_rps")"
  ratios+=("$ratio")
  echo "round $round: redis-benchmark ${redis_rps} req/s, sockbench ${sockbench_rps} msg/s (p99 ${p99} us, ${errors} errors), ratio ${ratio}"
done
median="$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
echo "median ratio sockbench/redis-benchmark: $median"
