// One load of a bench cell, a round or a warm-up slice: the cell's scenario through its fragmentation,
// after a lead-in that is not counted. Built-in and user's servers load their cells through it alike.

import type { LoadConfig } from "../clients/load/core/load-config.js";
import { runLoad } from "../clients/load/load-driver.js";
import type { BenchScenario } from "../results/bench-result.js";
import type { LoadResult } from "../results/load-result.js";
import { FRAGMENTATIONS } from "./fragmentations.js";
import { withFragmentedTarget } from "./fragmented-target.js";

/**
 * Each load starts with this much lead-in, not counted: the requests sent at once as its connections open
 * are in flight when counting starts, so that a round counts the replies of a full pipeline and not C
 * extra (C/(rate x round) more msg/s: 3.5 % at 1 MiB in 150 ms rounds of 10 connections).
 */
const ROUND_LEAD_IN_MS = 5;

/** What a cell's loads say beyond its scenario: how to frame and judge, and the server's pid for its CPU. */
export type CellLoadConfig = Omit<
  LoadConfig,
  | "target"
  | "connections"
  | "pipelining"
  | "sizesBytes"
  | "warmupMs"
  | "durationMs"
  | "timeoutMs"
  | "splitPieces"
>;

/** A cell's load of `durationMs` against `server`, as RoundCell.load runs it. */
export function cellLoad(
  server: { host: string; port: number },
  scenario: BenchScenario,
  config: CellLoadConfig,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): (durationMs: number) => Promise<LoadResult> {
  const fragmentation = FRAGMENTATIONS[scenario.fragmentation];
  return (durationMs) =>
    withFragmentedTarget(server, fragmentation, (target) =>
      runLoad(
        {
          ...config,
          target,
          connections: scenario.connections,
          pipelining: scenario.pipelining,
          sizesBytes: [scenario.size],
          warmupMs: ROUND_LEAD_IN_MS,
          durationMs,
          timeoutMs,
          splitPieces: fragmentation.splitPieces ?? 1,
        },
        signal ? { signal } : {},
      ),
    );
}
