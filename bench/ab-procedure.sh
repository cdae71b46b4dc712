#!/usr/bin/env bash
# The A/A and A/B procedure behind `sockbench ab`'s figures in the README. A/A: the same server as A and
# B (the built-in concurrent server, and bench/extra-work-server.js with no extra work), REPEATS times:
# every "significant" cell is a false positive. A/B: extra-work-server.js with no extra work as A, and
# with extra CPU per message as B: a fraction F of A's time per message (1 / its msg/s in the first A/A
# run, smallest size), which makes B up to F / (1 + F) slower (that much when the server sets the pace;
# 0.25: 20 %), REPEATS times each: how often, and in which direction, each slowdown is detected.
#
#   bash bench/ab-procedure.sh      # REPEATS=3 SIZES=64,1KiB ROUNDS=9 ROUND=450ms FRACTIONS="0.05 0.11 0.25"
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS="${REPEATS:-3}"
SIZES="${SIZES:-64,1KiB}"
ROUNDS="${ROUNDS:-9}"
ROUND="${ROUND:-450ms}"
FRACTIONS="${FRACTIONS:-0.05 0.11 0.25}"

npx tsc -p .
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SERVER="node dist/bench/extra-work-server.js {port}"
AB=(node dist/src/cli.js ab --framing length --sizes "$SIZES" --rounds "$ROUNDS" --round "$ROUND")

# One ab run; prints its exit code, its load average, and each cell's msg/s verdict.
run() {
  local name="$1"
  shift
  local code=0
  "${AB[@]}" "$@" --out "$WORK/$name.json" >"$WORK/$name.out" 2>/dev/null || code=$?
  printf '%-16s exit %s  load %s\n' "$name" "$code" "$(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E '^(~ msg/s|B is [0-9])' "$WORK/$name.out" | sed 's/^/    /'
}

echo "A/A: the same server as A and B (${REPEATS} runs each, cells ${SIZES}, ${ROUNDS} rounds of ${ROUND})"
for i in $(seq 1 "$REPEATS"); do run "aa-builtin-$i" concurrent concurrent; done
for i in $(seq 1 "$REPEATS"); do run "aa-extra-$i" "$SERVER 0" "$SERVER 0"; done

# A's time per message in the first A/A run, smallest size: what the fractions are of.
BASE_US="$(node -e '
const result = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const a = result.runs.filter((run) => run.scenario.variant === "A").sort((x, y) => x.scenario.size - y.scenario.size)[0];
process.stdout.write((1e6 / a.intervals.messagesPerSec.median).toFixed(3));
' "$WORK/aa-extra-1.json")"
echo
echo "A/B: B spends extra CPU per message, a fraction of A's time per message (${BASE_US} µs)"
for fraction in $FRACTIONS; do
  work_us="$(node -e 'process.stdout.write((Number(process.argv[1]) * Number(process.argv[2])).toFixed(2))' "$BASE_US" "$fraction")"
  for i in $(seq 1 "$REPEATS"); do run "ab-${fraction}-$i" "$SERVER 0" "$SERVER $work_us"; done
done

echo
echo "Summary (cells ${SIZES}):"
aa_cells="$(cat "$WORK"/aa-*.out | grep -cE '^(~ msg/s|B is [0-9])' || true)"
aa_positive="$(cat "$WORK"/aa-*.out | grep -cE '^B is [0-9]' || true)"
echo "  A/A: ${aa_positive} of ${aa_cells} cells significant (false positives)"
for fraction in $FRACTIONS; do
  cells="$(cat "$WORK"/ab-"$fraction"-*.out | grep -cE '^(~ msg/s|B is [0-9])' || true)"
  slower="$(cat "$WORK"/ab-"$fraction"-*.out | grep -cE '^B is [0-9].* slower' || true)"
  faster="$(cat "$WORK"/ab-"$fraction"-*.out | grep -cE '^B is [0-9].* faster' || true)"
  echo "  B +${fraction} of A's time per message: slower in ${slower} of ${cells} cells, faster (wrong way) in ${faster}"
done
