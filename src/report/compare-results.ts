// Compares two result files scenario by scenario: throughput and p99 deltas, and errors gained. Cells
// with rounds are tested before they are judged: a change counts only when a Mann-Whitney U test over
// the rounds finds it (at 5% shared by the tested cells) and it goes beyond the threshold.
// A scenario is what was run (framing, sizes, connections, pipelining, rate; for bench also the server
// variant and fragmentation), never where: two load runs against servers on different ports compare.
// Pure: it takes parsed JSON and returns rows and verdicts; the command prints them.

import { isKnownBrokenFraming } from "../results/known-broken.js";
import { type MachineInfo, machineDifferences } from "../results/run-context.js";
import { type ChangeTest, testChange } from "../results/statistics/change-test.js";
import { formatCount, formatPercent } from "./format-number.js";
import { formatSizeBytes } from "./format-size.js";

export interface ScenarioKey {
  framing: string;
  /** Bench: the server variant sockbench started; a load run's server is whatever it was. */
  variant?: string;
  /** One size, a load run's list of sizes, or its fixed message. */
  size: number | number[] | string;
  connections: number;
  pipelining: number;
  /** Bench: the proxy's fragmentation. */
  fragmentation?: string;
  /** Open loop: requests per second asked; absent for a closed loop. */
  rate?: number;
}

export interface ComparableRun {
  scenario: ScenarioKey;
  messagesPerSec: number;
  p99Us: number;
  errorCount: number;
  /** A bench cell's rounds: what the tests compare. Absent from load results and older bench files. */
  rounds?: { messagesPerSec: number[]; p99Us: number[] };
  /** A load stopped early (Ctrl-C, SIGTERM): its figures cover only the time it ran. */
  partial?: boolean;
}

/** A result file as compare reads it. */
export interface ComparableFile {
  source: string;
  /** The run's --label (load: in its config; bench: at the top). */
  label?: string;
  /** Absent from files written before the machine was recorded. */
  machine?: MachineInfo;
  /** The file's run was interrupted: a bench lacks the cells that did not finish, a load ran short. */
  partial?: boolean;
  runs: ComparableRun[];
}

export interface ComparisonRow {
  key: string;
  framing: string;
  before?: ComparableRun;
  after?: ComparableRun;
  /** Relative change, e.g. -0.12 for 12 % fewer messages per second (tested: the test's estimate). */
  throughputChange?: number;
  p99Change?: number;
  /** Both cells have rounds: the test of each figure, by which a change is judged. */
  throughputTest?: ChangeTest;
  p99Test?: ChangeTest;
  regressions: string[];
}

export interface ComparisonOptions {
  /** A relative change beyond this (0.1 = 10 %) is a regression. */
  threshold: number;
  /** Judge errors only, not speed (for results from different machines). */
  correctnessOnly: boolean;
}

/** The geometric mean of B/A throughput over the rows both files ran with a rate above 0. */
export function geometricMeanRatio(
  rows: readonly ComparisonRow[],
): { ratio: number; count: number } | undefined {
  const logs = rows.flatMap((row) =>
    row.before && row.after && row.before.messagesPerSec > 0 && row.after.messagesPerSec > 0
      ? [Math.log(row.throughputTest?.ratio ?? row.after.messagesPerSec / row.before.messagesPerSec)]
      : [],
  );
  if (logs.length === 0) return undefined;
  return { ratio: Math.exp(logs.reduce((sum, value) => sum + value, 0) / logs.length), count: logs.length };
}

/** A scenario's size in words: `64 B`, `64 B,1 KiB`, or its fixed message. */
export function scenarioSizeText(size: ScenarioKey["size"]): string {
  if (typeof size === "string") return size;
  return (Array.isArray(size) ? size : [size]).map((each) => formatSizeBytes(each)).join(",");
}

/** `length concurrent 64 B c10 p1 none`, or for a load run `length 64 B,1 KiB c10 p4 rate 2,000/s`. */
export function scenarioKey(scenario: ScenarioKey): string {
  return [
    scenario.framing,
    scenario.variant,
    scenarioSizeText(scenario.size),
    `c${scenario.connections}`,
    `p${scenario.pipelining}`,
    scenario.fragmentation,
    scenario.rate !== undefined ? `rate ${formatCount(scenario.rate)}/s` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(" ");
}

function fail(source: string, message: string): never {
  throw new Error(`${source}: ${message}`);
}

function numberAt(value: unknown, path: string, source: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(source, `${path} is not a number`);
  return value;
}

/** Reads the runs of a bench result file, or a single load result (its scenario taken from its config). */
export function comparableFile(json: unknown, source: string): ComparableFile {
  if (typeof json !== "object" || json === null)
    fail(source, "not a sockbench result (expected a JSON object)");
  const record = json as Record<string, unknown>;
  if (record.tool !== "sockbench") fail(source, 'not a sockbench result (no "tool": "sockbench")');
  const isBench = Array.isArray(record.runs);
  const runs = isBench
    ? (record.runs as Record<string, unknown>[])
    : [{ ...record, scenario: loadScenario(record, source) }];
  const label = isBench ? record.label : ((record.config ?? {}) as Record<string, unknown>).label;
  return {
    source,
    ...(typeof label === "string" ? { label } : {}),
    ...(isMachine(record.machine) ? { machine: record.machine } : {}),
    ...(record.partial === true ? { partial: true } : {}),
    runs: runs.map((run, index) => comparableRun(run, `runs[${index}]`, source)),
  };
}

function isMachine(value: unknown): value is MachineInfo {
  const machine = value as Partial<MachineInfo> | undefined;
  return (
    typeof machine?.cpuModel === "string" &&
    typeof machine.cpus === "number" &&
    typeof machine.node === "string"
  );
}

/** A bench cell's rounds' rates and p99s, when it has rounds. */
function roundFigures(run: Record<string, unknown>, at: string, source: string): ComparableRun["rounds"] {
  if (!Array.isArray(run.rounds)) return undefined;
  const rounds = run.rounds as Record<string, unknown>[];
  return {
    messagesPerSec: rounds.map((round, index) =>
      numberAt(round.messagesPerSec, `${at}.rounds[${index}].messagesPerSec`, source),
    ),
    p99Us: rounds.map((round, index) => numberAt(round.p99Us, `${at}.rounds[${index}].p99Us`, source)),
  };
}

/** A run's error counts: of every round when it has rounds (a bench cell), else of its one run. */
function errorRecords(run: Record<string, unknown>): Record<string, unknown>[] {
  const rounds = Array.isArray(run.rounds) ? (run.rounds as Record<string, unknown>[]) : [run];
  return rounds.map((round) => (round.errors ?? {}) as Record<string, unknown>);
}

function comparableRun(run: Record<string, unknown>, at: string, source: string): ComparableRun {
  const throughput = (run.throughput ?? {}) as Record<string, unknown>;
  const latency = (run.latencyUs ?? {}) as Record<string, unknown>;
  const scenario = run.scenario as ScenarioKey | undefined;
  if (!scenario || typeof scenario.framing !== "string") fail(source, `${at}.scenario is missing`);
  const rounds = roundFigures(run, at, source);
  let errorCount = 0;
  for (const errors of errorRecords(run)) {
    for (const [kind, count] of Object.entries(errors)) {
      errorCount += numberAt(count, `${at}.errors.${kind}`, source);
    }
  }
  return {
    scenario,
    messagesPerSec: numberAt(throughput.messagesPerSec, `${at}.throughput.messagesPerSec`, source),
    p99Us: numberAt(latency.p99, `${at}.latencyUs.p99`, source),
    errorCount,
    ...(rounds ? { rounds } : {}),
    ...(run.partial === true ? { partial: true } : {}),
  };
}

/** What a load run ran, from its config; the target is left out on purpose. */
export function loadScenario(result: Record<string, unknown>, source: string): ScenarioKey {
  const config = (result.config ?? {}) as Record<string, unknown>;
  if (typeof config.framing !== "string") fail(source, "config.framing is missing");
  const sizes = Array.isArray(config.sizes) ? config.sizes.map(Number) : [];
  return {
    framing: config.framing,
    size: typeof config.message === "string" ? `message ${JSON.stringify(config.message)}` : sizes,
    connections: Number(config.connections ?? 0),
    pipelining: Number(config.pipelining ?? 0),
    ...(typeof config.rate === "number" ? { rate: config.rate } : {}),
  };
}

/** A warning when either file is partial: a fall against an interrupted run is the interruption's. */
export function partialWarning(a: ComparableFile, b: ComparableFile): string | undefined {
  const partial = [a, b].filter((file) => file.partial).map((file) => file.source);
  if (partial.length === 0) return undefined;
  return `${partial.join(" and ")} ${partial.length === 1 ? "is a partial result" : "are partial results"} (interrupted): a load's figures cover only the time it ran, a bench lacks the cells that did not finish`;
}

/** A warning when the two files come from different machines (or one does not say), else undefined. */
export function machineWarning(a: ComparableFile, b: ComparableFile): string | undefined {
  if (!a.machine || !b.machine) {
    const unknown = [a, b].filter((file) => !file.machine).map((file) => file.source);
    return `${unknown.join(" and ")} ${unknown.length === 1 ? "does" : "do"} not record the machine it ran on: speed differences may be the machine's`;
  }
  const differences = machineDifferences(a.machine, b.machine);
  if (differences.length === 0) return undefined;
  return `the files come from different machines (${differences.join(", ")}): speed differences say little about the code; --correctness-only judges errors alone`;
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

  // The scenarios with rounds on both sides share each figure's 5% chance of a false call.
  const family = [...rows.values()].filter((row) => row.before?.rounds && row.after?.rounds).length;
  for (const row of rows.values()) {
    const { before: old, after: now } = row;
    if (!old || !now) continue;
    const throughputTest =
      old.rounds && now.rounds && testChange(old.rounds.messagesPerSec, now.rounds.messagesPerSec, family);
    const p99Test = old.rounds && now.rounds && testChange(old.rounds.p99Us, now.rounds.p99Us, family);
    if (throughputTest) row.throughputTest = throughputTest;
    if (p99Test) row.p99Test = p99Test;
    row.throughputChange = throughputTest
      ? throughputTest.ratio - 1
      : old.messagesPerSec > 0
        ? now.messagesPerSec / old.messagesPerSec - 1
        : 0;
    row.p99Change = p99Test ? p99Test.ratio - 1 : old.p99Us > 0 ? now.p99Us / old.p99Us - 1 : 0;
    if (!isKnownBrokenFraming(row.framing) && now.errorCount > old.errorCount) {
      row.regressions.push(
        `errors rose from ${formatCount(old.errorCount)} to ${formatCount(now.errorCount)}`,
      );
    }
    if (options.correctnessOnly) continue;
    // With rounds, a change beyond the threshold counts only when the test finds it; a run without rounds
    // (a load result, an older bench file) has nothing to test, and the threshold alone judges it.
    if (row.throughputChange < -options.threshold && (throughputTest?.significant ?? !throughputTest)) {
      row.regressions.push(`throughput fell ${formatPercent(-row.throughputChange)}`);
    }
    if (row.p99Change > options.threshold && (p99Test?.significant ?? !p99Test)) {
      row.regressions.push(`p99 rose ${formatPercent(row.p99Change)}`);
    }
  }
  return [...rows.values()];
}
