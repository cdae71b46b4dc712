// The result of `sockbench bench` (the file of --out): one load result per scenario, each with the
// scenario it ran, and the machine it ran on.

import type { FragmentationName } from "./fragmentation-name.js";
import type { LoadResult } from "./load-result.js";
import type { MachineInfo, RunContext } from "./run-context.js";

/** The TCP framings, and `http`: one message per POST over HTTP/1.1 (node:http served, undici driven). */
export const BENCH_FRAMINGS = ["eof", "length", "fixed", "naive", "http"] as const;
export const BENCH_VARIANTS = ["sequential", "concurrent", "cluster"] as const;
export type BenchFraming = (typeof BENCH_FRAMINGS)[number];
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

export interface BenchRun extends LoadResult {
  scenario: BenchScenario;
}

export interface BenchResult {
  tool: "sockbench";
  version: string;
  startedAt: string;
  machine: MachineInfo;
  /** Set by the bench command: its command line and the sockbench commit. */
  context?: RunContext;
  profile: string;
  runs: BenchRun[];
}
