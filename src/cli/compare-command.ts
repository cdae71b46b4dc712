// `sockbench compare A.json B.json`: deltas per scenario; exit 1 on a regression beyond the threshold.

import type { Command } from "commander";
import {
  type ComparableFile,
  comparableFile,
  compareRuns,
  machineWarning,
  partialWarning,
} from "../report/compare-results.js";
import { renderComparison, SEPARATE_RUNS_NOTE } from "../report/comparison-table.js";
import { formatCount, formatPercent, plural } from "../report/format-number.js";
import { DEFAULT_PERCENTILES } from "../results/latency-percentiles.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import { percentOption } from "./option-parsers.js";
import { parseResultJson, readResultJson, writeHtmlReport } from "./report-outputs.js";

function readComparable(path: string, json: unknown): ComparableFile {
  try {
    return comparableFile(json, path);
  } catch (error) {
    throw new CommandFailure((error as Error).message);
  }
}

interface CompareCliOptions {
  threshold: number;
  correctnessOnly: boolean;
  html?: string;
}

export function registerCompareCommand(program: Command): void {
  program
    .command("compare")
    .description("compare two result files (A the baseline, B the new run) scenario by scenario")
    .argument("<a>", "baseline result file")
    .argument("<b>", "new result file")
    .addOption(
      percentOption(
        "--threshold <percent>",
        "a throughput fall or p99 rise beyond this is a regression (10 and 10% both mean ten percent)",
        0.1,
      ),
    )
    .option("--correctness-only", "judge only errors, not speed (results from different machines)", false)
    .option("--html <file>", "also write an HTML page: both runs overlaid, regressions marked")
    .action(async (a: string, b: string, options: CompareCliOptions) => {
      const [jsonA, jsonB] = await Promise.all([readResultJson(a), readResultJson(b)]);
      const before = readComparable(a, jsonA);
      const after = readComparable(b, jsonB);
      const warning = options.correctnessOnly ? undefined : machineWarning(before, after);
      if (warning) process.stderr.write(`warning: ${warning}\n`);
      const partial = partialWarning(before, after);
      if (partial) process.stderr.write(`warning: ${partial}\n`);
      const rows = compareRuns(before.runs, after.runs, options);
      process.stdout.write(
        `A: ${describeFile(before)}\nB: ${describeFile(after)}\n${renderComparison(rows)}\n`,
      );
      if (rows.some((row) => row.throughputTest)) process.stdout.write(`${SEPARATE_RUNS_NOTE}\n`);
      const regressions = rows.filter((row) => row.regressions.length > 0);
      const compared = rows.filter((row) => row.before && row.after).length;
      process.stdout.write(
        `${plural(compared, "scenario")} compared, ${formatCount(regressions.length)} regressed${options.correctnessOnly ? " (correctness only)" : ` (threshold ${formatPercent(options.threshold)})`}\n`,
      );
      if (options.html !== undefined) {
        await writeHtmlReport(options.html, {
          title: `sockbench compare: A ${a}, B ${b}`,
          files: [
            { label: "A", file: parseResultJson(jsonA, a) },
            { label: "B", file: parseResultJson(jsonB, b) },
          ],
          percentiles: DEFAULT_PERCENTILES,
          comparison: rows,
        });
        process.stdout.write(`wrote ${options.html}\n`);
      }
      if (compared === 0) {
        throw new CommandFailure(
          "the two files share no scenario: compare keys by framing, sizes, connections, pipelining and rate (and for bench the variant and fragmentation); run both with the same ones",
          EXIT_ERRORS_FOUND,
        );
      }
      process.exitCode = regressions.length > 0 ? EXIT_ERRORS_FOUND : EXIT_CLEAN;
    });
}

function describeFile(file: ComparableFile): string {
  const machine = file.machine
    ? `, ${file.machine.cpuModel} x${file.machine.cpus}, Node ${file.machine.node}`
    : "";
  const partial = file.partial ? " (PARTIAL: interrupted)" : "";
  return `${file.source}${file.label !== undefined ? ` "${file.label}"` : ""}${partial}${machine}`;
}
