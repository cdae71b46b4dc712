#!/usr/bin/env bash
# Does pinning narrow the intervals? `sockbench ab` A/A (the concurrent server as A and B) run alternately
# unpinned and pinned (the driver on core 0 with taskset, both servers on core 1), REPEATS times each; per
# run, the median over cells of each side's msg/s interval half-width (order statistics of the rounds)
# and of the B/A ratio interval's. Needs taskset (util-linux) and at least 2 cores.
#
#   bash bench/pinning.sh      # REPEATS=3 SIZES=64,1KiB ROUNDS=9 ROUND=450ms
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS="${REPEATS:-3}"
SIZES="${SIZES:-64,1KiB}"
ROUNDS="${ROUNDS:-9}"
ROUND="${ROUND:-450ms}"

npx tsc -p .
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SERVE="node dist/src/cli.js serve --port {port} --variant concurrent --framing length"
AB=(ab --framing length --sizes "$SIZES" --rounds "$ROUNDS" --round "$ROUND")

widths() {
  node --input-type=module -e '
import { readFileSync } from "node:fs";
const { testChange } = await import(`${process.cwd()}/dist/src/results/statistics/change-test.js`);
const result = JSON.parse(readFileSync(process.argv[1], "utf8"));
const median = (values) => { const s = [...values].sort((x, y) => x - y); return s[Math.floor((s.length - 1) / 2)]; };
const half = (i) => (i.high - i.low) / 2 / (i.median ?? i.ratio);
const sides = result.runs.map((run) => half(run.intervals.messagesPerSec));
const rates = (run) => run.rounds.map((round) => round.messagesPerSec);
const sizes = [...new Set(result.runs.map((run) => run.scenario.size))];
const tests = sizes.map((size) => {
  const [a, b] = ["A", "B"].map((side) => result.runs.find((run) => run.scenario.size === size && run.scenario.variant === side));
  return testChange(rates(a), rates(b));
});
const significant = tests.filter((test) => test.significant).length;
process.stdout.write(`side ±${(100 * median(sides)).toFixed(1)}%  B/A ±${(100 * median(tests.map(half))).toFixed(1)}%  significant ${significant} of ${tests.length}`);
' "$1"
}

echo "A/A, concurrent vs concurrent, cells ${SIZES}, ${ROUNDS} rounds of ${ROUND}: median interval half-widths"
for i in $(seq 1 "$REPEATS"); do
  node dist/src/cli.js "${AB[@]}" "$SERVE" "$SERVE" --out "$WORK/free-$i.json" >/dev/null 2>&1 || true
  printf 'unpinned %s  %s  load %s\n' "$i" "$(widths "$WORK/free-$i.json")" "$(cut -d' ' -f1-3 /proc/loadavg)"
  taskset -c 0 node dist/src/cli.js "${AB[@]}" "taskset -c 1 $SERVE" "taskset -c 1 $SERVE" \
    --out "$WORK/pinned-$i.json" >/dev/null 2>&1 || true
  printf 'pinned   %s  %s  load %s\n' "$i" "$(widths "$WORK/pinned-$i.json")" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
