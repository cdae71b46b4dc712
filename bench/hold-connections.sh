#!/usr/bin/env bash
# Memory per idle connection on both sides: one `serve --variant concurrent` and one `load` holding N
# verified connections (an open loop so slow that each connection sends a 16-byte request about every
# 20 s), each process's resident memory read from /proc mid-run, less the same run with 10 connections.
# The kernel's socket buffers are in neither RSS (and /proc/net/sockstat counts every process on the
# machine, so it is left out). Prints each round and the medians per connection.
#
#   bash bench/hold-connections.sh          # CONNECTIONS=10000 ROUNDS=3
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-10000}"
ROUNDS="${ROUNDS:-3}"
BASELINE=10
HOLD_S=25

ulimit -n "$((CONNECTIONS + 1000))"
[ -f dist/src/cli.js ] || npx tsc -p .
WORK="$(mktemp -d)"
SERVER_PID=""
LOAD_PID=""
cleanup() {
  for pid in "$LOAD_PID" "$SERVER_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# Prints: server RSS KiB, driver RSS KiB, opening ms, verified, sent, errors.
hold() {
  local count="$1"
  node dist/src/cli.js serve --variant concurrent --framing length --port 0 \
    --max-connections "$((CONNECTIONS + 100))" --max-connections-per-address "$((CONNECTIONS + 100))" >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  local target
  target="$(sed -n 's/^listening on //p' "$WORK/serve.out")"
  local rate=$((count / 20 > 0 ? count / 20 : 1))
  node dist/src/cli.js load --target "$target" --framing length --size 16 --connections "$count" \
    --rate "$rate" --duration "${HOLD_S}s" --timeout 10s --json >"$WORK/load.json" &
  LOAD_PID=$!
  # Opening takes count / 2000 s (--connect-rate's default); then every connection is open and idle.
  sleep "$((count / 2000 + 12))"
  local server_rss driver_rss
  server_rss="$(rss_kib "$SERVER_PID")"
  driver_rss="$(rss_kib "$LOAD_PID")"
  wait "$LOAD_PID" || true
  LOAD_PID=""
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    console.log(process.argv.slice(2).join(" "), r.opening.durationMs, r.messages.verified, r.messages.sent, errors);
  ' "$WORK/load.json" "$server_rss" "$driver_rss"
}

echo "node $(node --version), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "serve --variant concurrent --framing length --max-connections $((CONNECTIONS + 100)) --max-connections-per-address $((CONNECTIONS + 100))"
echo "load --framing length --size 16 --connections N --rate N/20 --duration ${HOLD_S}s; N = $CONNECTIONS and $BASELINE"
server_per=()
driver_per=()
for round in $(seq 1 "$ROUNDS"); do
  read -r s0 d0 _ _ _ _ < <(hold "$BASELINE")
  read -r s1 d1 opening verified sent errors < <(hold "$CONNECTIONS")
  if [ "$errors" != "0" ] || [ "$verified" != "$sent" ] || [ "$sent" -lt "$CONNECTIONS" ]; then
    echo "round $round: $verified verified of $sent sent, $errors errors: not every connection verified" >&2
    exit 1
  fi
  per() { awk -v a="$1" -v b="$2" -v n="$((CONNECTIONS - BASELINE))" 'BEGIN { printf "%.2f", (b - a) / n }'; }
  server_per+=("$(per "$s0" "$s1")")
  driver_per+=("$(per "$d0" "$d1")")
  echo "round $round: opened $CONNECTIONS in $opening ms, $verified verified, 0 errors;" \
    "KiB per connection: server ${server_per[-1]}, driver ${driver_per[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "median KiB per idle connection (resident memory): server $(median "${server_per[@]}"), driver $(median "${driver_per[@]}")"
