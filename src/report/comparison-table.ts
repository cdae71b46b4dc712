// Renders a comparison of two result files as a cli-table3 table, one row per scenario (its cells from
// comparison-cells.ts, as the HTML page has them), and a geometric-mean row.

import Table from "cli-table3";
import { type ComparisonRow, geometricMeanRatio } from "./compare-results.js";
import { COMPARISON_HEAD, comparisonCells, signed } from "./comparison-cells.js";

/**
 * Two files are two runs: the U test weighs each cell's rounds against the noise within the runs, but a
 * machine that drifted between the runs moves every cell of one file, and no test over the rounds sees
 * that. The figures are A/A runs on the 2-core machine this was developed on (the A/A figures are in the README).
 */
export const SEPARATE_RUNS_NOTE =
  "note: A and B are separate runs: the test covers the noise between rounds within each run, not a drift of the machine between the runs. " +
  "On the 2-core machine sockbench was developed on, two back-to-back quick runs of the same build differed per cell by 0.50x to 2.87x (median 30%, load average 4 to 9); " +
  "`sockbench ab` runs old and new in alternating rounds on one machine, which the test does cover.";

export function renderComparison(rows: ComparisonRow[]): string {
  const table = new Table({
    head: [...COMPARISON_HEAD],
    style: { head: [], border: [] },
  });
  for (const row of rows) table.push(comparisonCells(row));
  const mean = geometricMeanRatio(rows);
  if (mean) {
    table.push([
      `geometric mean of B/A msg/s (${mean.count})`,
      "",
      "",
      signed(mean.ratio - 1),
      "",
      "",
      "",
      "",
      "",
    ]);
  }
  return table.toString();
}
