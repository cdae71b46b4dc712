// The result of `sockbench bench` (the file of --out): one load result per scenario, each with the
// scenario it ran, and the machine it ran on.

import type { FramingName } from "../framing/framing.js";
import { framingNames } from "../framing/registry.js";
import type { BenchRound, RoundIntervals } from "./bench-rounds.js";
import { errorsBesidesLoss } from "./datagram-loss.js";
import type { FragmentationName } from "./fragmentation-name.js";
import { ERROR_KINDS, type ErrorKind, type LoadResult, totalErrors } from "./load-result.js";
import type { MachineInfo, RunContext } from "./run-context.js";

/**
 * The built-in TCP framings; `http`: one message per POST over HTTP/1.1 (node:http served, sockbench's own HTTP/1.1 client driving); `udp`:
 * one message per datagram.
 */
export const BENCH_FRAMINGS: readonly BenchFraming[] = [...framingNames(), "http", "udp"];
export const BENCH_VARIANTS = ["sequential", "concurrent", "cluster"] as const;
/** A registered framing's name, `http` or `udp`. */
export type BenchFraming = FramingName | "http" | "udp";
export type BenchVariant = (typeof BENCH_VARIANTS)[number];

export interface BenchScenario {
  framing: BenchFraming;
  /** A built-in server variant, or the name of a user's server (then `server` is set). */
  variant: BenchVariant | string;
  /** A user's server: the command sockbench started it with (`{port}` still in it). */
  server?: string;
  size: number;
  connections: number;
  pipelining: number;
  fragmentation: FragmentationName;
}

/**
 * One cell: the full result of its median round (see bench-rounds.ts), the scenario, and every round's
 * figures. Files written before rounds existed have one round and neither `rounds` nor `spread`.
 */
export interface BenchRun extends LoadResult {
  scenario: BenchScenario;
  rounds?: BenchRound[];
  /** The largest distance of a round's throughput from the median's, as a fraction of it. */
  spread?: number;
  /** Each figure's median over the rounds and its 95 % interval; absent from files before intervals. */
  intervals?: RoundIntervals;
  /** How long the cell warmed before its first round (it stops once its rate settles). */
  warmedMs?: number;
}

/** How each cell was run; absent from files written before rounds existed. */
export interface BenchSettings {
  rounds: number;
  /** Measured time of each round. */
  roundMs: number;
  /** The most a cell warms before its first round (it stops once its rate settles); later rounds find it warm. */
  warmupMs: number;
  /**
   * Absent from older files, whose cells ran their rounds back to back. `interleaved`: round 1 of every
   * cell, then round 2, each round's order shuffled by `seed`.
   */
  order?: "interleaved";
  seed?: number;
  pipelining: number;
  timeoutMs: number;
}

export interface BenchResult {
  tool: "sockbench";
  version: string;
  startedAt: string;
  machine: MachineInfo;
  /** Set by the bench command: its command line and the sockbench commit. */
  context?: RunContext;
  profile: string;
  /** The run's name (--label). */
  label?: string;
  settings?: BenchSettings;
  runs: BenchRun[];
  /** Set when the bench was interrupted: `runs` holds the scenarios that finished every round. */
  partial?: boolean;
}

/**
 * A cell's errors by kind, added over its rounds (older files: its one round): the one count every
 * report of a bench cell shows, so that the terminal, the Markdown, the HTML and the CSV agree.
 */
export function benchRunErrorCounts(run: BenchRun): Record<ErrorKind, number> {
  const rounds = run.rounds ?? [run];
  return Object.fromEntries(
    ERROR_KINDS.map((kind) => [kind, rounds.reduce((sum, round) => sum + round.errors[kind], 0)]),
  ) as Record<ErrorKind, number>;
}

/** The rounds a cell's errors were counted over (older files: one). */
export function benchRunRoundCount(run: BenchRun): number {
  return run.rounds?.length ?? 1;
}

/** A cell's errors of the given kinds (default: all), added over its rounds (older files: its one round). */
export function benchRunErrors(run: BenchRun, kinds: readonly ErrorKind[] = ERROR_KINDS): number {
  const counts = benchRunErrorCounts(run);
  return kinds.reduce((sum, kind) => sum + counts[kind], 0);
}

/**
 * A cell's errors that are findings: all of them over TCP and HTTP; over UDP those besides loss (a
 * datagram that never came is loss, reported apart in its cell), counted in its median round, since the
 * rounds keep no loss apart from other errors.
 */
export function benchRunFindings(run: BenchRun): number {
  return run.scenario.framing === "udp" ? errorsBesidesLoss(run) : benchRunErrors(run);
}

/** One round's errors that are findings, as benchRunFindings counts a cell's (over UDP: besides loss). */
export function roundFindings(round: LoadResult): number {
  return round.config.transport === "udp" ? errorsBesidesLoss(round) : totalErrors(round);
}
