// Runs check cells on worker threads, so that the matrix uses every core: a tinypool of `threads`
// workers (src/suites/check-worker.ts), each taking cells from the lanes of runCheck as they come.

import Tinypool from "tinypool";
import { builtModulePath } from "../built-module.js";
import { rebuildError } from "../errors.js";
import type { CheckCell } from "../results/check-result.js";
import type { CheckCellPlan } from "./check-cell.js";
import type { CellOutcome } from "./check-worker.js";

export interface CellRunner {
  runCell(plan: CheckCellPlan): Promise<CheckCell>;
  close(): Promise<void>;
}

/** `cellsPerThread`: cells one thread runs at once (most of a cell's time is waiting on sockets). */
export function cellRunnerInThreads(threads: number, cellsPerThread: number): CellRunner {
  const pool = new Tinypool({
    filename: builtModulePath(import.meta.url, "./check-worker.js"),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: cellsPerThread,
  });
  return {
    runCell: async (plan) => {
      const outcome = (await pool.run(plan)) as CellOutcome;
      if ("error" in outcome) throw rebuildError(outcome.error);
      return outcome.cell;
    },
    close: () => pool.destroy(),
  };
}
