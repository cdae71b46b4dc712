// `sockbench check`: the correctness matrix. Every framing at every size under every fragmentation, each
// cell (src/suites/check-cell.ts) a bounded, verified load against the concurrent echo server through
// the proxy, and a udp row beside them (udp-check-cell.ts); this module plans the matrix and schedules
// its cells over lanes and threads.

import { maxDatagramBytes } from "../framing/datagram-limits.js";
import { framingNames, framingOf, framingToCarry, payloadSizeRefusal } from "../framing/registry.js";
import type { CheckCell, CheckResult, CheckRowName } from "../results/check-result.js";
import { FRAGMENTATION_NAMES, type FragmentationName } from "../results/fragmentation-name.js";
import { type CheckCellPlan, cellCost, runCheckCell, type ServerFramingFactory } from "./check-cell.js";
import { type CellRunner, cellRunnerInThreads } from "./check-threads.js";
import { DEFAULT_MAX_LOSS } from "./udp-check-cell.js";

export const CHECK_SIZES_BYTES = [0, 1, 1023, 1024, 1025, 64 * 1024, 1024 * 1024] as const;

export interface CheckOptions {
  /** Rows to run: framings, and udp (default: every registered framing, then udp). */
  framings?: readonly CheckRowName[];
  /** udp: the share of datagrams that may go unanswered (default 0). */
  maxLoss?: number;
  sizesBytes?: readonly number[];
  fragmentations?: readonly FragmentationName[];
  /** The framing the server decodes with (default: the registry's); a test hands in a broken one. */
  serverFraming?: ServerFramingFactory;
  /** Cells in flight at once per thread (default DEFAULT_CHECK_CONCURRENCY). */
  concurrency?: number;
  /** Worker threads running cells (default 1: all in this thread). Not with serverFraming. */
  threads?: number;
  onCellStart?: (
    index: number,
    total: number,
    framing: CheckRowName,
    size: number,
    fragmentation: FragmentationName,
  ) => void;
}

/** Cells in flight at once per thread: most of a cell's time is spent waiting on timers and sockets. */
export const DEFAULT_CHECK_CONCURRENCY = 2;

/**
 * Runs every cell, a few at a time (and over `threads` worker threads when asked); each cell starts its
 * own server and proxy and leaves nothing behind, so cells cannot disturb each other's bytes. The slow
 * cells start first; the cells come back in matrix order: framing, size, fragmentation.
 */
export async function runCheck(options: CheckOptions = {}): Promise<CheckResult> {
  const framings = options.framings ?? [...framingNames(), "udp"];
  const sizes = options.sizesBytes ?? CHECK_SIZES_BYTES;
  const fragmentations = options.fragmentations ?? FRAGMENTATION_NAMES;
  const plan = framings.flatMap((framing): CheckCellPlan[] => {
    if (framing !== "udp") {
      // Only the sizes the framing can carry, given as the cells give it (a framing may have a hard limit).
      return sizes
        .filter((size) => payloadSizeRefusal(framingOf(framingToCarry(framing, size)), size) === undefined)
        .flatMap((size) => fragmentations.map((fragmentation) => ({ framing, size, fragmentation })));
    }
    // No proxy or split write cuts a datagram, and one carries at most 65,507 bytes over IPv4.
    const maxLoss = options.maxLoss ?? DEFAULT_MAX_LOSS;
    return fragmentations.includes("none")
      ? sizes
          .filter((size) => size <= maxDatagramBytes(4))
          .map((size) => ({ framing, size, fragmentation: "none" as const, maxLoss }))
      : [];
  });
  const order = plan
    .map((_, index) => index)
    .sort((a, b) => cellCost(plan[b] as CheckCellPlan) - cellCost(plan[a] as CheckCellPlan));
  const cells: CheckCell[] = new Array(plan.length);
  let started = 0;
  const nextIndex = (): number | undefined => {
    const index = order[started];
    if (index === undefined) return undefined;
    started++;
    const cell = plan[index] as CheckCellPlan;
    options.onCellStart?.(started - 1, plan.length, cell.framing, cell.size, cell.fragmentation);
    return index;
  };
  const concurrency = options.concurrency ?? DEFAULT_CHECK_CONCURRENCY;
  const threads = options.threads ?? 1;
  if (threads > 1 && options.serverFraming !== undefined) {
    throw new Error("a serverFraming runs in this thread only: leave threads at 1");
  }
  const run: CellRunner =
    threads > 1
      ? cellRunnerInThreads(threads, concurrency)
      : { runCell: (cell) => runCheckCell(cell, options.serverFraming), close: async () => {} };
  try {
    const lane = async (): Promise<void> => {
      for (let index = nextIndex(); index !== undefined; index = nextIndex()) {
        cells[index] = await run.runCell(plan[index] as CheckCellPlan);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency * threads, plan.length) }, lane));
  } finally {
    await run.close();
  }
  return { cells, passed: cells.every((cell) => !cell.blocking) };
}
