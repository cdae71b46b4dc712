// `sockbench ab A B`: two servers on the same cells in alternating rounds, one machine, one job; per cell
// a tested verdict of B against A, and exit 3 when B is significantly slower beyond --threshold. The
// regression check a CI job can trust: old and new side by side rather than against yesterday's file.

import { type Command, InvalidArgumentError, Option } from "commander";
import { describeRun } from "../platform/run-context.js";
import { renderAbCell } from "../report/ab-report.js";
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
import type { AbSide } from "../suites/ab-suite.js";
import { serverFromOption } from "./bench-servers.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND, EXIT_GATE_FAILED, EXIT_USAGE } from "./exit-codes.js";
import { parseDurationMs, parseIntegerInRange, parseSizeList, percentOption } from "./option-parsers.js";
import { checkOutputPath, saveRunOutput } from "./run-outputs.js";
import { withStopSignals } from "./stop-signals.js";
import { addExpectOptions, type ExpectCliOptions, expectGiven } from "./target-options.js";

interface AbCliOptions extends ExpectCliOptions {
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

/** A side as given: a built-in variant's name, or a command with {port} in it (its replies judged as `expect` says). */
function sideFrom(text: string, name: "A" | "B", framing: BenchFraming, expect: ExpectCliOptions): AbSide {
  if ((BENCH_VARIANTS as readonly string[]).includes(text)) {
    return { name, variant: text as (typeof BENCH_VARIANTS)[number] };
  }
  if (!text.includes(" ") && !text.includes("{port}")) {
    throw new CommandFailure(
      `${name} must be a built-in variant (${BENCH_VARIANTS.join(", ")}) or a command that starts your server, such as "python3 server.py {port}", got ${JSON.stringify(text)}`,
      EXIT_USAGE,
    );
  }
  const user = serverFromOption(`${name}=${text}`, expect);
  return { name, user: { ...user, framing: { name: framing } } };
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
      "--connections <count>",
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
    .addOption(new Option("--timeout <duration>", "per request").argParser(parseRoundMs).default(2000, "2s"))
    .option("--seed <number>", "seed of each round's order", parseIntegerInRange(0, 2 ** 32 - 1), 1)
    .addOption(
      percentOption(
        "--threshold <percent>",
        "exit 3 when B's msg/s is significantly lower by more than this",
        0.05,
      ),
    )
    .option("--out <file>", "write both sides' cells as a bench result (JSON) for compare and report")
    .action(async (a: string, b: string, options: AbCliOptions) => {
      const expect = { expect: options.expect, expectModule: options.expectModule };
      const sideA = sideFrom(a, "A", options.framing, expect);
      const sideB = sideFrom(b, "B", options.framing, expect);
      if (expectGiven(expect) && "variant" in sideA && "variant" in sideB) {
        throw new CommandFailure(
          "--expect and --expect-module judge a side given as a command; the built-in variants echo",
          EXIT_USAGE,
        );
      }
      const plan = {
        framing: options.framing,
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
      process.stdout.write(
        `A: ${describeSide(sideA)}\nB: ${describeSide(sideB)}\n${plural(options.rounds, "round")} of ${formatDurationMs(options.round)} per cell and side, A's and B's rounds interleaved in an order shuffled by seed ${options.seed}; medians' intervals are 95%; B vs A: the change (Hodges-Lehmann) with its interval and Mann-Whitney p, ~ where p > ${sharedLevelText(options.sizes.length)}\n\n`,
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
      process.exitCode =
        slower.length > 0 ? EXIT_GATE_FAILED : broken.length > 0 ? EXIT_ERRORS_FOUND : EXIT_CLEAN;
    });
}

/** The p a cell's change must reach, and why: the cells share the 5% (its interval's coverage matches). */
function sharedLevelText(cells: number): string {
  if (cells === 1) return "0.05";
  const level = significanceLevel(cells);
  return `${level.toFixed(3)} (the ${cells} cells share a 5% chance of a false call, Bonferroni; the change's interval is ${((1 - level) * 100).toFixed(1)}%)`;
}

function describeSide(side: AbSide): string {
  return "variant" in side ? `the built-in ${side.variant} server` : side.user.target.command;
}
