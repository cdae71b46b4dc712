// `sockbench check --target|--server`: the fragmentation matrix against the user's server. Every size
// under every fragmentation, each cell through the fault proxy; cells run side by side only when each
// has a server of its own. The first failing cell is then shrunk to the smallest case that still fails.

import type { FragmentationName } from "../results/fragmentation-name.js";
import type { TargetCell, TargetCheckResult } from "../results/target-check-result.js";
import { openTarget } from "../targets/target-session.js";
import { shrinkFailure } from "./shrink-failure.js";
import { runTargetCell } from "./target-cell.js";
import type { TargetCellPlan, TargetCheckSettings } from "./target-cell-plan.js";

export interface TargetCheckOptions extends TargetCheckSettings {
  sizesBytes: readonly number[];
  fragmentations: readonly FragmentationName[];
  /** Look for the smallest failing case after the matrix (default true). */
  shrink?: boolean;
  onCellStart?: (index: number, total: number, plan: TargetCellPlan) => void;
  onCellEnd?: (index: number, total: number, cell: TargetCell) => void;
  onShrinkStart?: (from: TargetCell) => void;
}

/**
 * Cells in flight at once when each has its own server: most of a cell's time is spent waiting on the
 * server's start and on sockets, and the machine has few cores to share with the servers.
 */
export const TARGET_CELL_CONCURRENCY = 3;

function targetDescription(options: TargetCheckOptions): string {
  const target = options.choice.target;
  return target.kind === "address" ? `${target.host}:${target.port}` : target.command;
}

export async function runTargetCheck(options: TargetCheckOptions): Promise<TargetCheckResult> {
  const plan: TargetCellPlan[] = options.sizesBytes.flatMap((size) =>
    options.fragmentations.map((fragmentation) => ({ size, fragmentation })),
  );
  const startedMs = Date.now();
  const session = await openTarget(options.choice.target);
  try {
    const cells: TargetCell[] = new Array(plan.length);
    let started = 0;
    const lane = async (): Promise<void> => {
      for (let index = started++; index < plan.length; index = started++) {
        options.onCellStart?.(index, plan.length, plan[index] as TargetCellPlan);
        cells[index] = await runTargetCell(plan[index] as TargetCellPlan, options, session);
        options.onCellEnd?.(index, plan.length, cells[index] as TargetCell);
      }
    };
    const lanes = session.cellsMayOverlap ? Math.min(TARGET_CELL_CONCURRENCY, plan.length) : 1;
    await Promise.all(Array.from({ length: lanes }, lane));
    const durationMs = Date.now() - startedMs;
    const firstFailing = cells.find((cell) => cell.verdict === "fail");
    let shrunk: Awaited<ReturnType<typeof shrinkFailure>> | undefined;
    if (firstFailing !== undefined && options.shrink !== false) {
      options.onShrinkStart?.(firstFailing);
      shrunk = await shrinkFailure(firstFailing, (cellPlan) => runTargetCell(cellPlan, options, session));
    }
    const target = options.choice.target;
    return {
      target: targetDescription(options),
      ...(target.kind === "command" ? { restart: target.restart } : {}),
      framing: options.framing,
      expect:
        options.choice.expect.kind === "module" ? options.choice.expect.path : options.choice.expect.name,
      connections: options.connections,
      seed: options.seed,
      cells,
      passed: firstFailing === undefined,
      ...(shrunk !== undefined ? { shrunk } : {}),
      durationMs,
      cellsPerSecond: Math.round((cells.length / Math.max(1, durationMs)) * 1000 * 100) / 100,
    };
  } finally {
    await session.close();
  }
}
