// `sockbench compare A.json B.json`: deltas per scenario; exit 1 on a regression beyond the threshold.

import type { Command } from "commander";
import { comparableRuns, compareRuns } from "../report/compare-results.js";
import { renderComparison } from "../report/comparison-table.js";
import { DEFAULT_PERCENTILES } from "../results/latency-percentiles.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import { parsePercent } from "./option-parsers.js";
import { parseResultJson, readResultJson, writeHtmlReport } from "./report-outputs.js";

async function readRuns(path: string, json: unknown) {
  try {
    return comparableRuns(json, path);
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
    .option(
      "--threshold <percent>",
      "a throughput fall or p99 rise beyond this is a regression",
      parsePercent,
      0.1,
    )
    .option("--correctness-only", "judge only errors, not speed (results from different machines)", false)
    .option("--html <file>", "also write an HTML page: both runs overlaid, regressions marked")
    .action(async (a: string, b: string, options: CompareCliOptions) => {
      const [jsonA, jsonB] = await Promise.all([readResultJson(a), readResultJson(b)]);
      const rows = compareRuns(await readRuns(a, jsonA), await readRuns(b, jsonB), options);
      process.stdout.write(`${renderComparison(rows)}\n`);
      const regressions = rows.filter((row) => row.regressions.length > 0);
      const compared = rows.filter((row) => row.before && row.after).length;
      process.stdout.write(
        `${compared} scenarios compared, ${regressions.length} regressed${options.correctnessOnly ? " (correctness only)" : ` (threshold ${Math.round(options.threshold * 100)}%)`}\n`,
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
      if (compared === 0) throw new CommandFailure("the two files share no scenario", EXIT_ERRORS_FOUND);
      process.exitCode = regressions.length > 0 ? EXIT_ERRORS_FOUND : EXIT_CLEAN;
    });
}
