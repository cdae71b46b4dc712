// Every scenario of one or more result files as a flat row: which file, which scenario, its group (the
// chart and matrix it belongs to) and its load result. The HTML, CSV and .hgrm outputs all start here.

import { benchRunErrorCounts, benchRunRoundCount } from "../results/bench-result.js";
import type { ErrorKind, LoadResult } from "../results/load-result.js";
import type { ResultFile } from "../results/result-file.js";
import { groupRuns } from "./bench-report.js";
import { loadScenario, scenarioKey, scenarioSizeText } from "./compare-results.js";
import { formatSizeBytes } from "./format-size.js";

export interface ScenarioRow {
  framing: string;
  /** The server: a bench variant, or a load run's target. */
  variant: string;
  /** Bytes; a load run's mix of sizes as `64,1024`, or its fixed message. */
  size: number | string;
  connections: number;
  pipelining: number;
  fragmentation: string;
  /** The file's label: its path, or A and B in a comparison. */
  source: string;
  /** The scenario in words: "eof concurrent 64 B". */
  label: string;
  /** scenarioKey(): the same scenario in another file has the same key. */
  key: string;
  /** The title of the group it is charted in: a bench size, connection count and fragmentation, or "load". */
  group: string;
  result: LoadResult;
  /** Errors by kind: a load run's, a bench cell's added over its rounds (what its matrix cell counts). */
  errors: Record<ErrorKind, number>;
  /** The rounds `errors` were counted over: 1 for a load run. */
  errorRounds: number;
  /** A bench cell of the user's own server (--server, --config), not a built-in one. */
  ownServer: boolean;
}

/** A row's errors of every kind. */
export function rowErrorTotal(row: ScenarioRow): number {
  return Object.values(row.errors).reduce((sum, count) => sum + count, 0);
}

/** The errors column's heading: it says when counts are a bench cell's rounds added. */
export function errorsHeading(rows: readonly ScenarioRow[]): string {
  return rows.some((row) => row.errorRounds > 1) ? "errors (all rounds)" : "errors";
}

/** The group of every load result: several load files are overlaid on one chart. */
export const LOAD_GROUP = "load runs";

export function scenarioRows(file: ResultFile, sourceLabel: string = file.source): ScenarioRow[] {
  // Checks and stress runs carry verdicts, not a latency histogram: they have no scenario row.
  if (file.kind === "check" || file.kind === "target-check" || file.kind === "stress") return [];
  if (file.kind === "load") {
    const scenario = loadScenario(file.result as unknown as Record<string, unknown>, file.source);
    const variant = file.result.config.target;
    return [
      {
        ...scenario,
        variant,
        // Bytes, as in a bench row: a mix of sizes as "64,1024".
        size: Array.isArray(scenario.size) ? scenario.size.join(",") : scenario.size,
        fragmentation: "none",
        source: sourceLabel,
        label: `${scenario.framing} ${variant} ${scenarioSizeText(scenario.size)}`,
        key: scenarioKey(scenario),
        group: LOAD_GROUP,
        result: file.result,
        errors: file.result.errors,
        errorRounds: 1,
        ownServer: false,
      },
    ];
  }
  const groups = groupRuns(file.result.runs);
  return file.result.runs.map((run) => {
    const { scenario } = run;
    const group = groups.find((each) => each.cell(scenario.framing, scenario.variant) === run);
    const { scenario: _scenario, ...result } = run;
    return {
      ...scenario,
      source: sourceLabel,
      label: `${scenario.framing} ${scenario.variant} ${formatSizeBytes(scenario.size)}`,
      key: scenarioKey(scenario),
      group: group?.title ?? formatSizeBytes(scenario.size),
      result,
      errors: benchRunErrorCounts(run),
      errorRounds: benchRunRoundCount(run),
      ownServer: scenario.server !== undefined,
    };
  });
}
