// `sockbench bench`: the framing x variant comparison (what `npm run bench` runs), its result file
// and Markdown summary, and an optional gate against a baseline.

import { join } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { loadFramingModules } from "../clients/load/verification/framing-module.js";
import { describeRun } from "../platform/run-context.js";
import { describeBenchSettings, renderBenchDocument, renderBenchTables } from "../report/bench-report.js";
import {
  type ComparableFile,
  comparableFile,
  compareRuns,
  machineWarning,
} from "../report/compare-results.js";
import { renderComparison, SEPARATE_RUNS_NOTE } from "../report/comparison-table.js";
import { plural } from "../report/format-number.js";
import { formatSizeBytes } from "../report/format-size.js";
import { type BenchResult, benchRunFindings } from "../results/bench-result.js";
import { isKnownBrokenFraming } from "../results/known-broken.js";
import { DEFAULT_PERCENTILES } from "../results/latency-percentiles.js";
import { BENCH_PROFILE_NAMES, BENCH_PROFILES, type BenchProfileName } from "../suites/bench-profiles.js";
import { addBenchNarrowingOptions, type BenchNarrowingOptions, narrowProfile } from "./bench-narrowing.js";
import { DEFAULT_CONFIG_FILE, type ServerOptionDefaults, userBenchServers } from "./bench-servers.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND, EXIT_USAGE } from "./exit-codes.js";
import { addGateOptions, type GateCliOptions, gatesFromOptions, judgeRun } from "./gate-options.js";
import { percentOption } from "./option-parsers.js";
import { htmlReportText, readResultJson } from "./report-outputs.js";
import { checkOutputDirectory, type SavedOutput, saveRunOutput } from "./run-outputs.js";
import { withStopSignals } from "./stop-signals.js";
import { addExpectOptions } from "./target-options.js";

interface BenchCliOptions extends GateCliOptions, BenchNarrowingOptions, ServerOptionDefaults {
  label?: string;
  profile: BenchProfileName;
  out: string;
  format: BenchFormat[];
  baseline?: string;
  threshold: number;
  correctnessOnly: boolean;
  server?: string[];
  config?: string;
}

const BENCH_FORMATS = ["json", "md", "csv", "html"] as const;
type BenchFormat = (typeof BENCH_FORMATS)[number];

function parseFormats(text: string): BenchFormat[] {
  const formats = text.split(",").map((part) => part.trim());
  const unknown = formats.filter((format) => !(BENCH_FORMATS as readonly string[]).includes(format));
  if (unknown.length > 0 || formats.length === 0) {
    throw new InvalidArgumentError(
      `expected formats from ${BENCH_FORMATS.join(", ")} separated by commas, got ${JSON.stringify(text)}`,
    );
  }
  return [...new Set(formats)] as BenchFormat[];
}

/** Writes the result in each asked format beside each other; a format that cannot be written goes to a fallback. */
async function writeResult(
  result: BenchResult,
  directory: string,
  formats: BenchFormat[],
): Promise<SavedOutput[]> {
  const stamp = result.startedAt.replace(/[:.]/g, "-");
  const base = join(directory, `bench-${result.profile}-${stamp}`);
  const file = { kind: "bench", source: `${base}.json`, result } as const;
  const rows = async () => (await import("../report/scenario-rows.js")).scenarioRows(file);
  const texts: Record<BenchFormat, () => Promise<string>> = {
    json: async () => `${JSON.stringify(result, null, 2)}\n`,
    md: async () => renderBenchDocument(result),
    csv: async () => (await import("../report/csv.js")).renderCsv(await rows(), DEFAULT_PERCENTILES),
    html: () =>
      htmlReportText({
        title: `sockbench bench, ${result.profile} profile, ${result.startedAt}`,
        files: [{ label: file.source, file }],
        percentiles: DEFAULT_PERCENTILES,
      }),
  };
  const saved: SavedOutput[] = [];
  for (const format of formats) saved.push(await saveRunOutput(`${base}.${format}`, await texts[format]()));
  return saved;
}

/** The --baseline file, read and checked (its schema, and that compare can read it) before the bench runs. */
async function readBaseline(path: string): Promise<ComparableFile> {
  const json = await readResultJson(path);
  try {
    return comparableFile(json, path);
  } catch (error) {
    throw new CommandFailure(
      `--baseline ${(error as Error).message}: expected the JSON of a bench or load --out run`,
    );
  }
}

/** `baseline`: the --baseline file, read before the bench ran. */
async function gate(
  result: BenchResult,
  options: BenchCliOptions,
  baseline: ComparableFile,
): Promise<boolean> {
  const current = comparableFile(result, "this run");
  const warning = options.correctnessOnly ? undefined : machineWarning(baseline, current);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
  const rows = compareRuns(baseline.runs, current.runs, options);
  process.stdout.write(`\nAgainst ${options.baseline}:\n${renderComparison(rows)}\n`);
  if (!options.correctnessOnly && rows.some((row) => row.throughputTest)) {
    process.stdout.write(`${SEPARATE_RUNS_NOTE}\n`);
  }
  const regressed = rows.filter((row) => row.regressions.length > 0);
  process.stdout.write(`${regressed.length} of ${rows.length} scenarios regressed\n`);
  return regressed.length === 0;
}

export function registerBenchCommand(program: Command): void {
  const command = program
    .command("bench")
    .description(
      "compare framings and server variants, and your own servers (--server, --config) beside them",
    )
    .addOption(
      new Option("--profile <name>", "how much to run").choices(BENCH_PROFILE_NAMES).default("default"),
    )
    .option("--out <dir>", "where to write the result file and its summaries", "results")
    .addOption(
      new Option("--format <list>", `what to write: ${BENCH_FORMATS.join(", ")} (comma-separated)`)
        .argParser(parseFormats)
        .default(["json", "md", "html"], "json,md,html"),
    )
    .option("--baseline <file>", "compare with this result file; exit 1 on a regression")
    .addOption(
      percentOption(
        "--threshold <percent>",
        "with --baseline: a throughput fall or p99 rise beyond this",
        0.1,
      ),
    )
    .option("--correctness-only", "with --baseline: judge errors only, not speed", false)
    .option(
      "--server <name=command>",
      'bench your server too, as a column beside the built-in ones: "exercise5=python3 server.py {port}" (repeatable; eof, 1 connection, replies as --expect says)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      "--config <file>",
      `your servers with framing, expect and connections (default ${DEFAULT_CONFIG_FILE} if it exists)`,
    )
    .option("--label <name>", "name this run in its result, for compare and reports");
  addExpectOptions(command)
    .option(
      "--framing-module <file.mjs>",
      "frame the --server servers' messages with your module (docs/framing-module.md)",
    )
    .option(
      "--reply-framing-module <file.mjs>",
      "cut the --server servers' replies with your module's decoder",
    );
  addBenchNarrowingOptions(command);
  addGateOptions(command)
    .addHelpText(
      "after",
      "\nGates judge every cell but naive's (broken by design), each on its median round.",
    )
    .action(async (options: BenchCliOptions) => {
      const userServers = userBenchServers(options);
      // Imported and checked here, before any server starts: the scenarios build each server's framing.
      for (const server of userServers) await loadFramingModules(server);
      const profile = narrowProfile(BENCH_PROFILES[options.profile], options, userServers);
      // A missing or invalid baseline, or an --out that cannot be written, is told before minutes of benching.
      const baseline = options.baseline !== undefined ? await readBaseline(options.baseline) : undefined;
      await checkOutputDirectory("--out", options.out);
      // Loaded here, not at start-up: every other command would pay for the driver, proxy and servers.
      const { runBench, BenchFailedError } = await import("../suites/bench-suite.js");
      const progress = process.stderr.isTTY ? "\r\x1b[K" : "";
      let run: BenchResult;
      let failure: string | undefined;
      try {
        run = await withStopSignals("stopping: each cell keeps the rounds it finished", (signal) =>
          runBench(
            profile,
            {
              signal,
              onStep: ({ phase, step, steps, scenario }) => {
                const what = phase === "warm-up" ? "warm-up" : `round ${phase} of ${profile.rounds}`;
                process.stderr.write(
                  `${progress}[${step + 1}/${steps}] ${what}: ${scenario.framing} framing, ${scenario.variant} server, ${formatSizeBytes(scenario.size)}, ${plural(scenario.connections, "connection")}, fragmentation ${scenario.fragmentation}${progress ? "" : "\n"}`,
                );
              },
            },
            userServers,
          ),
        );
      } catch (error) {
        // Cells that finished before a later failure are kept and written; the failure still ends in exit 2.
        if (!(error instanceof BenchFailedError)) throw error;
        run = error.result;
        failure = error.message;
      }
      const result = options.label !== undefined ? { ...run, label: options.label } : run;
      if (progress) process.stderr.write(progress);
      process.stdout.write(`${describeBenchSettings(result)}\n${renderBenchTables(result.runs)}\n`);
      if (failure !== undefined) {
        process.stdout.write(
          `\nstopped by a failure: ${plural(result.runs.length, "scenario")} finished and kept\n`,
        );
      } else if (result.partial) {
        process.stdout.write(`\ninterrupted: ${plural(result.runs.length, "scenario")} finished and kept\n`);
      }
      const saved = await writeResult({ ...result, context: describeRun() }, options.out, options.format);
      process.stdout.write(`\nwrote ${saved.map((output) => output.at).join(", ")}\n`);
      const failures = [
        ...saved.flatMap((output) => (output.failure !== undefined ? [output.failure] : [])),
        ...(failure !== undefined ? [failure] : []),
      ];
      for (const message of failures) process.stderr.write(`sockbench: ${message}\n`);
      const broken = result.runs.filter(
        (run) => !isKnownBrokenFraming(run.scenario.framing) && benchRunFindings(run) > 0,
      );
      for (const run of broken) {
        process.stdout.write(
          `errors in ${run.scenario.framing} on ${run.scenario.variant} at ${formatSizeBytes(run.scenario.size)}: ${run.errorSamples.slice(0, 3).join("; ")}\n`,
        );
      }
      const passed = baseline === undefined || (await gate(result, options, baseline));
      const gated = result.runs
        .filter((cell) => !isKnownBrokenFraming(cell.scenario.framing))
        .map((cell) => ({
          name: `${cell.scenario.framing} on ${cell.scenario.variant} at ${formatSizeBytes(cell.scenario.size)}, ${plural(cell.scenario.connections, "connection")}`,
          figures: {
            p99Us: cell.latencyUs.p99,
            errors: benchRunFindings(cell),
            messagesPerSec: cell.throughput.messagesPerSec,
          },
        }));
      const code = judgeRun(gated, gatesFromOptions(options), broken.length > 0);
      if (failures.length > 0) process.exitCode = EXIT_USAGE;
      else process.exitCode = code === EXIT_CLEAN && !passed ? EXIT_ERRORS_FOUND : code;
    });
}
