// Compares two result files scenario by scenario: throughput and p99 deltas, and errors gained.
// Pure: it takes parsed JSON and returns rows and verdicts; the command prints them.

import { isKnownBrokenFraming } from "../results/known-broken.js";

export interface ScenarioKey {
  framing: string;
  variant: string;
  size: string | number;
  connections: number;
  pipelining: number;
  fragmentation: string;
}

export interface ComparableRun {
  scenario: ScenarioKey;
  messagesPerSec: number;
  p99Us: number;
  errorCount: number;
}

export interface ComparisonRow {
  key: string;
  framing: string;
  before?: ComparableRun;
  after?: ComparableRun;
  /** Relative change, e.g. -0.12 for 12 % fewer messages per second. */
  throughputChange?: number;
  p99Change?: number;
  regressions: string[];
}

export interface ComparisonOptions {
  /** A relative change beyond this (0.1 = 10 %) is a regression. */
  threshold: number;
  /** Judge errors only, not speed (for results from different machines). */
  correctnessOnly: boolean;
}

export function scenarioKey(scenario: ScenarioKey): string {
  return [
    scenario.framing,
    scenario.variant,
    scenario.size,
    `c${scenario.connections}`,
    `p${scenario.pipelining}`,
    scenario.fragmentation,
  ].join(" ");
}

function fail(source: string, message: string): never {
  throw new Error(`${source}: ${message}`);
}

function numberAt(value: unknown, path: string, source: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(source, `${path} is not a number`);
  return value;
}

/** Reads the runs of a bench result file, or a single load result (its scenario taken from its config). */
export function comparableRuns(json: unknown, source: string): ComparableRun[] {
  if (typeof json !== "object" || json === null)
    fail(source, "not a sockbench result (expected a JSON object)");
  const record = json as Record<string, unknown>;
  if (record.tool !== "sockbench") fail(source, 'not a sockbench result (no "tool": "sockbench")');
  const runs = Array.isArray(record.runs)
    ? (record.runs as Record<string, unknown>[])
    : [{ ...record, scenario: loadScenario(record, source) }];
  return runs.map((run, index) => {
    const at = `runs[${index}]`;
    const throughput = (run.throughput ?? {}) as Record<string, unknown>;
    const latency = (run.latencyUs ?? {}) as Record<string, unknown>;
    const errors = (run.errors ?? {}) as Record<string, unknown>;
    const scenario = run.scenario as ScenarioKey | undefined;
    if (!scenario || typeof scenario.framing !== "string") fail(source, `${at}.scenario is missing`);
    return {
      scenario,
      messagesPerSec: numberAt(throughput.messagesPerSec, `${at}.throughput.messagesPerSec`, source),
      p99Us: numberAt(latency.p99, `${at}.latencyUs.p99`, source),
      errorCount: Object.entries(errors).reduce(
        (total, [kind, count]) => total + numberAt(count, `${at}.errors.${kind}`, source),
        0,
      ),
    };
  });
}

/** The scenario of a single load result, taken from its config (the target stands for the variant). */
export function loadScenario(result: Record<string, unknown>, source: string): ScenarioKey {
  const config = (result.config ?? {}) as Record<string, unknown>;
  if (typeof config.framing !== "string") fail(source, "config.framing is missing");
  return {
    framing: config.framing,
    variant: String(config.target ?? "target"),
    size: Array.isArray(config.sizes) ? config.sizes.join(",") : String(config.sizes ?? ""),
    connections: Number(config.connections ?? 0),
    pipelining: Number(config.pipelining ?? 0),
    fragmentation: String(config.fragmentation ?? "none"),
  };
}

export function compareRuns(
  before: ComparableRun[],
  after: ComparableRun[],
  options: ComparisonOptions,
): ComparisonRow[] {
  const rows = new Map<string, ComparisonRow>();
  const rowFor = (run: ComparableRun): ComparisonRow => {
    const key = scenarioKey(run.scenario);
    let row = rows.get(key);
    if (!row) {
      row = { key, framing: run.scenario.framing, regressions: [] };
      rows.set(key, row);
    }
    return row;
  };
  for (const run of before) rowFor(run).before = run;
  for (const run of after) rowFor(run).after = run;

  for (const row of rows.values()) {
    const { before: old, after: now } = row;
    if (!old || !now) continue;
    row.throughputChange = old.messagesPerSec > 0 ? now.messagesPerSec / old.messagesPerSec - 1 : 0;
    row.p99Change = old.p99Us > 0 ? now.p99Us / old.p99Us - 1 : 0;
    if (!isKnownBrokenFraming(row.framing) && now.errorCount > old.errorCount) {
      row.regressions.push(`errors rose from ${old.errorCount} to ${now.errorCount}`);
    }
    if (options.correctnessOnly) continue;
    if (row.throughputChange < -options.threshold) {
      row.regressions.push(`throughput fell ${formatPercent(-row.throughputChange)}`);
    }
    if (row.p99Change > options.threshold) row.regressions.push(`p99 rose ${formatPercent(row.p99Change)}`);
  }
  return [...rows.values()];
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
