#!/usr/bin/env bash
# sockbench load --transport http against autocannon and wrk, all three loading one plain node:http echo
# server (bench/http-echo-server.ts) on 127.0.0.1 with the same settings: 50 keep-alive connections, no
# pipelining, 64-byte POST bodies. They take turns, in a rotating order, for a few rounds; the script prints
# each round's requests/s and the median ratios sockbench/autocannon and sockbench/wrk. The goal: sockbench
# at least at autocannon's rate, while it checks every reply byte for byte and records every latency.
#
#   bash bench/http-compare.sh       # ROUNDS=3 DURATION=10 CONNECTIONS=50 PIPELINING=1 SIZE=64 by default
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-50}"
PIPELINING="${PIPELINING:-1}"
SIZE="${SIZE:-64}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
  else
    echo "wrk is missing: install Debian's package (sudo apt-get install wrk), then run this again" >&2
    exit 2
  fi
fi
if [ ! -x node_modules/.bin/autocannon ]; then
  echo "autocannon is missing: run npm ci (it is a devDependency)" >&2
  exit 2
fi
[ -f dist/src/cli.js ] && [ -f dist/bench/http-echo-server.js ] || npx tsc -p .

WORK="$(mktemp -d)"
node dist/bench/http-echo-server.js 0 >"$WORK/server.out" &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$WORK/server.out" && break
  sleep 0.05
done
PORT="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/server.out")"
[ -n "$PORT" ] || { echo "the echo server did not start" >&2; exit 2; }
URL="http://127.0.0.1:$PORT/"

BODY="$(head -c "$SIZE" /dev/zero | tr '\0' 'x')"
cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.body = "$BODY"
EOF

SOCKBENCH=(node dist/src/cli.js load --transport http --target "127.0.0.1:$PORT" --connections "$CONNECTIONS"
  --pipelining "$PIPELINING" --duration "${DURATION}s" --size "$SIZE" --json)
AUTOCANNON=(node_modules/.bin/autocannon -c "$CONNECTIONS" -p "$PIPELINING" -d "$DURATION" -m POST -b "$BODY" -j "$URL")
WRK=(wrk -t2 -c "$CONNECTIONS" -d "${DURATION}s" -s "$WORK/post.lua" "$URL")

echo "node $(node --version), wrk $(wrk -v 2>&1 | head -1 | awk '{ print $2 }'), autocannon $(node -p 'require("autocannon/package.json").version'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one node:http echo server on $URL; each tool ${DURATION} s, $CONNECTIONS connections x $PIPELINING pipelined, $SIZE-byte POST bodies"
echo "  ${SOCKBENCH[*]}"
echo "  node_modules/.bin/autocannon -c $CONNECTIONS -p $PIPELINING -d $DURATION -m POST -b <$SIZE bytes> -j $URL"
echo "  ${WRK[*]}   (post.lua: wrk.method = \"POST\", wrk.body = <$SIZE bytes>)"

# Each prints "<requests per second> <note>".
run_sockbench() {
  "${SOCKBENCH[@]}" >"$WORK/sockbench.json" || true
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
    console.log(r.throughput.messagesPerSec, `${r.messages.verified} verified, ${errors} errors, p99 ${r.latencyUs.p99} us`);' \
    "$WORK/sockbench.json"
}
run_autocannon() {
  "${AUTOCANNON[@]}" 2>/dev/null >"$WORK/autocannon.json"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(Math.round(r.requests.total / r.duration),
      `${r.requests.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors, p99 ${r.latency.p99} ms`);' \
    "$WORK/autocannon.json"
}
run_wrk() {
  "${WRK[@]}" >"$WORK/wrk.out"
  awk '/Requests\/sec:/ { rps = $2 } /requests in/ { total = $1 } /Non-2xx/ { bad = $NF }
    END { printf "%d %s requests, %d non-2xx\n", rps, total, bad }' "$WORK/wrk.out"
}

declare -A RATE
ORDER=(sockbench autocannon wrk)
for round in $(seq 1 "$ROUNDS"); do
  line="round $round:"
  for tool in "${ORDER[@]}"; do
    read -r rps note < <("run_$tool")
    RATE[$tool,$round]="$rps"
    line+="  $tool $rps req/s ($note)"
  done
  echo "$line"
  ORDER=("${ORDER[@]:1}" "${ORDER[0]}")
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratios() {
  for round in $(seq 1 "$ROUNDS"); do
    node -e 'console.log((process.argv[1] / process.argv[2]).toFixed(3))' "${RATE[sockbench,$round]}" "${RATE[$1,$round]}"
  done
}
for tool in sockbench autocannon wrk; do
  printf 'median %-10s %s req/s\n' "$tool" "$(for round in $(seq 1 "$ROUNDS"); do echo "${RATE[$tool,$round]}"; done | median)"
done
echo "median ratio sockbench/autocannon: $(ratios autocannon | median)  (per round: $(ratios autocannon | tr '\n' ' '))"
echo "median ratio sockbench/wrk:        $(ratios wrk | median)  (per round: $(ratios wrk | tr '\n' ' '))"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
