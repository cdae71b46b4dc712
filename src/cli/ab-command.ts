// `sockbench ab A B`: two servers on the same cells in alternating rounds, one machine, one job; per cell
// a tested verdict of B against A, and exit 3 when B is significantly slower beyond --threshold. The
// regression check a CI job can trust: old and new side by side rather than against yesterday's file.

import { type Command, InvalidArgumentError, Option } from "commander";
import { loadFramingModules } from "../clients/load/verification/framing-module.js";
import { describeRun } from "../platform/run-context.js";
import { renderAbCell } from "../report/ab-report.js";
import { formatProbability } from "../report/comparison-cells.js";
import { formatDurationMs, formatPercent, plural } from "../report/format-number.js";
import { formatSizeBytes } from "../report/format-size.js";
import {
  BENCH_FRAMINGS,
  BENCH_VARIANTS,
  type BenchFraming,
  benchRunFindings,
} from "../results/bench-result.js";
import { isKnownBrokenFraming } from "../results/known-broken.js";
import { significanceLevel } from "../results/statistics/change-test.js";
import { smallestPValue } from "../results/statistics/mann-whitney.js";
import type { AbSide } from "../suites/ab-suite.js";
import { type ServerOptionDefaults, serverFromOption } from "./bench-servers.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND, EXIT_GATE_FAILED, EXIT_USAGE } from "./exit-codes.js";
import { parseDurationMs, parseIntegerInRange, parseSizeList, percentOption } from "./option-parsers.js";
import { checkOutputPath, saveRunOutput } from "./run-outputs.js";
import { withStopSignals } from "./stop-signals.js";
import { addExpectOptions, expectGiven } from "./target-options.js";

interface AbCliOptions extends ServerOptionDefaults {
  framing: BenchFraming;
  sizes: number[];
  connections: number;
  rounds: number;
  round: number;
  warmup: number;
  timeout: number;
  seed: number;
  threshold: number;
  out?: string;
}

/**
 * A side as given: a built-in variant's name, or a command with {port} in it (its replies judged and its
 * messages framed as `given` says: --expect, --framing-module and the rest; else framed by `framing`).
 */
function sideFrom(text: string, name: "A" | "B", framing: BenchFraming, given: ServerOptionDefaults): AbSide {
  if ((BENCH_VARIANTS as readonly string[]).includes(text)) {
    return { name, variant: text as (typeof BENCH_VARIANTS)[number] };
  }
  if (!text.includes(" ") && !text.includes("{port}")) {
    throw new CommandFailure(
      `${name} must be a built-in variant (${BENCH_VARIANTS.join(", ")}) or a command that starts your server, such as "python3 server.py {port}", got ${JSON.stringify(text)}`,
      EXIT_USAGE,
    );
  }
  const user = serverFromOption(`${name}=${text}`, given);
  return { name, user: given.framingModule !== undefined ? user : { ...user, framing: { name: framing } } };
}

function parseFraming(text: string): BenchFraming {
  if (!(BENCH_FRAMINGS as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(
      `expected one of ${BENCH_FRAMINGS.join(", ")}, got ${JSON.stringify(text)}`,
    );
  }
  return text as BenchFraming;
}

function parseRoundMs(text: string): number {
  const value = parseDurationMs(text);
  if (value < 1)
    throw new InvalidArgumentError(`expected at least 1ms, such as 500ms, got ${JSON.stringify(text)}`);
  return value;
}

export function registerAbCommand(program: Command): void {
  addExpectOptions(program.command("ab"))
    .description(
      "A/B test two servers on one machine in alternating rounds: B against A per cell, with intervals and p-values; exit 3 when B is significantly slower",
    )
    .argument(
      "<a>",
      `server A: a built-in variant (${BENCH_VARIANTS.join(", ")}) or a command, "node old/dist/src/cli.js serve --port {port} --framing length"`,
    )
    .argument("<b>", "server B, the same way (the new build, the changed server)")
    .addOption(
      new Option("--framing <name>", "how both are driven").argParser(parseFraming).default("length"),
    )
    .addOption(
      new Option("--sizes <list>", "message sizes, one cell each")
        .argParser(parseSizeList)
        .default([64, 1024, 65536], "64,1KiB,64KiB"),
    )
    .option(
      "-c, --connections <count>",
      "connections per cell (sequential: 1)",
      parseIntegerInRange(1, 10_000),
      10,
    )
    .option(
      "--rounds <count>",
      "rounds per cell and side (6 or more for a 95% interval)",
      parseIntegerInRange(2, 100),
      9,
    )
    .addOption(
      new Option("--round <duration>", "measured time of each round")
        .argParser(parseRoundMs)
        .default(450, "450ms"),
    )
    .addOption(
      new Option(
        "--warmup <duration>",
        "the most each cell warms before its first round (it stops once its rate settles)",
      )
        .argParser(parseDurationMs)
        .default(1000, "1s"),
    )
    .addOption(
      new Option("-t, --timeout <duration>", "per request").argParser(parseRoundMs).default(2000, "2s"),
    )
    .option("--seed <number>", "seed of each round's order", parseIntegerInRange(0, 2 ** 32 - 1), 1)
    .addOption(
      percentOption(
        "--threshold <percent>",
        "exit 3 when B's msg/s is significantly lower by more than this",
        0.05,
      ),
    )
    .option(
      "--framing-module <file.mjs>",
      "frame both sides' messages with your module instead of --framing; both must be commands (docs/framing-module.md)",
    )
    .option("--reply-framing-module <file.mjs>", "cut a command side's replies with your module's decoder")
    .option("--out <file>", "write both sides' cells as a bench result (JSON) for compare and report")
    .action(async (a: string, b: string, options: AbCliOptions, command: Command) => {
      const given: ServerOptionDefaults = {
        expect: options.expect,
        expectModule: options.expectModule,
        framingModule: options.framingModule,
        replyFramingModule: options.replyFramingModule,
      };
      const sideA = sideFrom(a, "A", options.framing, given);
      const sideB = sideFrom(b, "B", options.framing, given);
      const builtIn = [sideA, sideB].filter((side) => "variant" in side).map((side) => side.name);
      if (expectGiven(given) && builtIn.length === 2) {
        throw new CommandFailure(
          "--expect and --expect-module judge a side given as a command; the built-in variants echo",
          EXIT_USAGE,
        );
      }
      if (options.framingModule !== undefined || options.replyFramingModule !== undefined) {
        if (builtIn.length > 0) {
          throw new CommandFailure(
            `--framing-module and --reply-framing-module frame a side given as a command, and ${builtIn.join(" and ")} ${builtIn.length === 1 ? "is a built-in variant" : "are built-in variants"}, which speak${builtIn.length === 1 ? "s" : ""} the built-in framings only`,
            EXIT_USAGE,
          );
        }
        if (options.framingModule !== undefined && command.getOptionValueSource("framing") === "cli") {
          throw new CommandFailure("give --framing or --framing-module, not both", EXIT_USAGE);
        }
      }
      // Imported and checked before any server starts: a module that lacks an export is told at once.
      for (const side of [sideA, sideB]) if ("user" in side) await loadFramingModules(side.user);
      const plan = {
        framing: "user" in sideA ? sideA.user.framing.name : options.framing,
        sizesBytes: options.sizes,
        connections: options.connections,
        pipelining: 1,
        rounds: options.rounds,
        roundMs: options.round,
        warmupMs: options.warmup,
        timeoutMs: options.timeout,
        seed: options.seed,
      };
      const { abPlanProblem, runAb } = await import("../suites/ab-suite.js");
      const problem = abPlanProblem([sideA, sideB], plan);
      if (problem !== undefined) throw new CommandFailure(problem, EXIT_USAGE);
      if (options.out !== undefined) await checkOutputPath("--out", options.out);
      const enoughRounds = roundsToDecide(options.sizes.length);
      if (options.rounds < enoughRounds) {
        const floor = formatProbability(smallestPValue(options.rounds, options.rounds));
        process.stderr.write(
          `sockbench: with ${options.rounds} rounds a side no p goes below ${floor}, above the ${formatProbability(significanceLevel(options.sizes.length))} a cell must reach: no cell can be called different (--rounds ${enoughRounds} or more can)\n`,
        );
      }
      process.stdout.write(
        `A: ${describeSide(sideA)}\nB: ${describeSide(sideB)}\n${modulesText(given)}${plural(options.rounds, "round")} of ${formatDurationMs(options.round)} per cell and side, A's and B's rounds interleaved in an order shuffled by seed ${options.seed}; medians' intervals are 95%; B vs A: the change (Hodges-Lehmann) with its interval and Mann-Whitney p, ~ where p > ${sharedLevelText(options.sizes.length)}\n\n`,
      );
      const progress = process.stderr.isTTY ? "\r\x1b[K" : "";
      const outcome = await withStopSignals("stopping: each cell keeps the rounds it finished", (signal) =>
        runAb(sideA, sideB, plan, {
          signal,
          onStep: ({ phase, step, steps, scenario }) => {
            const what = phase === "warm-up" ? "warm-up" : `round ${phase} of ${options.rounds}`;
            process.stderr.write(
              `${progress}[${step + 1}/${steps}] ${what}: ${scenario.variant}, ${formatSizeBytes(scenario.size)}${progress ? "" : "\n"}`,
            );
          },
        }),
      );
      if (progress) process.stderr.write(progress);
      process.stdout.write(`${outcome.cells.map(renderAbCell).join("\n\n")}\n`);
      if (options.out !== undefined) {
        const saved = await saveRunOutput(
          options.out,
          `${JSON.stringify({ ...outcome.result, context: describeRun() }, null, 2)}\n`,
        );
        process.stdout.write(`\nwrote ${saved.at}\n`);
        if (saved.failure !== undefined) process.stderr.write(`sockbench: ${saved.failure}\n`);
      }
      const slower = outcome.cells.filter(
        (cell) => cell.messagesPerSec?.significant && cell.messagesPerSec.ratio < 1 - options.threshold,
      );
      const broken = isKnownBrokenFraming(options.framing)
        ? []
        : outcome.result.runs.filter((run) => benchRunFindings(run) > 0);
      for (const run of broken) {
        process.stdout.write(
          `errors in ${run.scenario.variant} at ${formatSizeBytes(run.scenario.size)}: ${run.errorSamples.slice(0, 3).join("; ")}\n`,
        );
      }
      const cells = outcome.cells.length;
      process.stdout.write(
        `\n${slower.length > 0 ? `B is significantly slower than A beyond ${formatPercent(options.threshold)} in ${plural(slower.length, "cell")} of ${cells}` : `B is not significantly slower than A beyond ${formatPercent(options.threshold)} in any of ${plural(cells, "cell")}`}\n`,
      );
      if (outcome.result.partial) {
        // Said last, where a CI log is read: a run stopped early tested fewer cells than it was asked to.
        process.stdout.write(
          `interrupted: ${outcome.cells.filter((cell) => cell.messagesPerSec !== undefined).length} of ${plural(options.sizes.length, "cell")} tested (a cell is tested once A and B each finished 2 rounds)\n`,
        );
      }
      process.exitCode =
        slower.length > 0 ? EXIT_GATE_FAILED : broken.length > 0 ? EXIT_ERRORS_FOUND : EXIT_CLEAN;
    });
}

/** The p a cell's change must reach, and why: the cells share the 5% (its interval's coverage matches). */
function sharedLevelText(cells: number): string {
  if (cells === 1) return "0.05";
  const level = significanceLevel(cells);
  return `${formatProbability(level)} (the ${cells} cells share a 5% chance of a false call, Bonferroni; the change's interval is ${((1 - level) * 100).toFixed(1)}%)`;
}

/** The fewest rounds a side whose smallest p reaches the level `cells` cells share. */
function roundsToDecide(cells: number): number {
  let rounds = 2;
  while (smallestPValue(rounds, rounds) > significanceLevel(cells)) rounds++;
  return rounds;
}

/** Which framing modules frame the command sides, a line each; nothing without. */
function modulesText(given: ServerOptionDefaults): string {
  const requests = given.framingModule !== undefined ? `messages framed by ${given.framingModule}\n` : "";
  const replies =
    given.replyFramingModule !== undefined ? `replies cut by ${given.replyFramingModule}\n` : "";
  return requests + replies;
}

function describeSide(side: AbSide): string {
  return "variant" in side ? `the built-in ${side.variant} server` : side.user.target.command;
}
