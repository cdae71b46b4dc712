// `sockbench compare A.json B.json`: deltas per scenario; exit 1 on a regression beyond the threshold.

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { comparableRuns, compareRuns } from "../report/compare-results.js";
import { renderComparison } from "../report/comparison-table.js";
import { formatCount, formatPercent } from "../report/format-number.js";
import { CommandFailure, EXIT_CLEAN, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import { percentOption } from "./option-parsers.js";

async function readResult(path: string) {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CommandFailure(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return comparableRuns(JSON.parse(text), path);
  } catch (error) {
    throw new CommandFailure((error as Error).message);
  }
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
    .action(async (a: string, b: string, options: { threshold: number; correctnessOnly: boolean }) => {
      const rows = compareRuns(await readResult(a), await readResult(b), options);
      process.stdout.write(`${renderComparison(rows)}\n`);
      const regressions = rows.filter((row) => row.regressions.length > 0);
      const compared = rows.filter((row) => row.before && row.after).length;
      process.stdout.write(
        `${formatCount(compared)} scenarios compared, ${formatCount(regressions.length)} regressed${options.correctnessOnly ? " (correctness only)" : ` (threshold ${formatPercent(options.threshold)})`}\n`,
      );
      if (compared === 0) throw new CommandFailure("the two files share no scenario", EXIT_ERRORS_FOUND);
      process.exitCode = regressions.length > 0 ? EXIT_ERRORS_FOUND : EXIT_CLEAN;
    });
}
