// `sockbench bench`: the framing x variant comparison (what `npm run bench` runs), its result file
// and Markdown summary, and an optional gate against a baseline.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { describeBenchSettings, renderBenchDocument, renderBenchTables } from "../report/bench-report.js";
import { comparableFile, compareRuns, machineWarning } from "../report/compare-results.js";
import { renderComparison } from "../report/comparison-table.js";
import { plural } from "../report/format-number.js";
import { formatSizeBytes } from "../report/format-size.js";
import { type BenchResult, benchRunErrors } from "../results/bench-result.js";
import { isKnownBrokenFraming } from "../results/known-broken.js";
import { BENCH_PROFILE_NAMES, BENCH_PROFILES, type BenchProfileName } from "../suites/bench-profiles.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import { addGateOptions, type GateCliOptions, gatesFromOptions, judgeRun } from "./gate-options.js";
import { percentOption } from "./option-parsers.js";
import { withStopSignals } from "./stop-signals.js";

interface BenchCliOptions extends GateCliOptions {
  label?: string;
  profile: BenchProfileName;
  out: string;
  baseline?: string;
  threshold: number;
  correctnessOnly: boolean;
}

async function writeResult(result: BenchResult, directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, "-");
  const base = join(directory, `bench-${result.profile}-${stamp}`);
  await writeFile(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(`${base}.md`, renderBenchDocument(result));
  return base;
}

async function gate(result: BenchResult, options: BenchCliOptions): Promise<boolean> {
  if (!options.baseline) return true;
  let baselineJson: unknown;
  try {
    baselineJson = JSON.parse(await readFile(options.baseline, "utf8"));
  } catch (error) {
    throw new CommandFailure(`cannot read baseline ${options.baseline}: ${(error as Error).message}`);
  }
  const baseline = comparableFile(baselineJson, options.baseline);
  const current = comparableFile(result, "this run");
  const warning = options.correctnessOnly ? undefined : machineWarning(baseline, current);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  const rows = compareRuns(baseline.runs, current.runs, options);
  process.stdout.write(`\nAgainst ${options.baseline}:\n${renderComparison(rows)}\n`);
  const regressed = rows.filter((row) => row.regressions.length > 0);
  process.stdout.write(`${regressed.length} of ${rows.length} scenarios regressed\n`);
  return regressed.length === 0;
}

export function registerBenchCommand(program: Command): void {
  const command = program
    .command("bench")
    .description("compare framings and server variants (starts its own servers on 127.0.0.1)")
    .addOption(
      new Option("--profile <name>", "how much to run").choices(BENCH_PROFILE_NAMES).default("default"),
    )
    .option("--out <dir>", "where to write the result file and its Markdown summary", "results")
    .option("--baseline <file>", "compare with this result file; exit 1 on a regression")
    .addOption(
      percentOption(
        "--threshold <percent>",
        "with --baseline: a throughput fall or p99 rise beyond this",
        0.1,
      ),
    )
    .option("--correctness-only", "with --baseline: judge errors only, not speed", false)
    .option("--label <name>", "name this run in its result, for compare and reports");
  addGateOptions(command)
    .addHelpText(
      "after",
      "\nGates judge every cell but naive's (broken by design), each on its median round.",
    )
    .action(async (options: BenchCliOptions) => {
      const profile = BENCH_PROFILES[options.profile];
      // Loaded here, not at start-up: every other command would pay for the driver, proxy and servers.
      const { runBench } = await import("../suites/bench-suite.js");
      const progress = process.stderr.isTTY ? "\r\x1b[K" : "";
      const run = await withStopSignals("stopping after the finished scenarios", (signal) =>
        runBench(profile, {
          signal,
          onScenarioStart: (index, total, scenario) => {
            process.stderr.write(
              `${progress}[${index + 1}/${total}] ${scenario.framing} framing, ${scenario.variant} server, ${formatSizeBytes(scenario.size)}, ${plural(scenario.connections, "connection")}, fragmentation ${scenario.fragmentation}${progress ? "" : "\n"}`,
            );
          },
        }),
      );
      const result = options.label !== undefined ? { ...run, label: options.label } : run;
      if (progress) process.stderr.write(progress);
      process.stdout.write(`${describeBenchSettings(result)}\n${renderBenchTables(result.runs)}\n`);
      if (result.partial) {
        process.stdout.write(`\ninterrupted: ${plural(result.runs.length, "scenario")} finished and kept\n`);
      }
      const base = await writeResult(result, options.out);
      process.stdout.write(`\nwrote ${base}.json and ${base}.md\n`);
      const broken = result.runs.filter(
        (run) => !isKnownBrokenFraming(run.scenario.framing) && benchRunErrors(run) > 0,
      );
      for (const run of broken) {
        process.stdout.write(
          `errors in ${run.scenario.framing} on ${run.scenario.variant} at ${formatSizeBytes(run.scenario.size)}: ${run.errorSamples.slice(0, 3).join("; ")}\n`,
        );
      }
      const passed = await gate(result, options);
      const gated = result.runs
        .filter((cell) => cell.scenario.framing !== "naive")
        .map((cell) => ({
          name: `${cell.scenario.framing} on ${cell.scenario.variant} at ${formatSizeBytes(cell.scenario.size)}, ${plural(cell.scenario.connections, "connection")}`,
          figures: {
            p99Us: cell.latencyUs.p99,
            errors: benchRunErrors(cell),
            messagesPerSec: cell.throughput.messagesPerSec,
          },
        }));
      const code = judgeRun(gated, gatesFromOptions(options), broken.length > 0);
      process.exitCode = code === EXIT_CLEAN && !passed ? EXIT_ERRORS_FOUND : code;
    });
}
