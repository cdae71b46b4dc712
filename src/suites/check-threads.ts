// Runs check cells on worker threads, so that the matrix uses every core: a tinypool of `threads`
// workers (src/suites/check-worker.ts), each taking cells from the lanes of runCheck as they come.

import Tinypool from "tinypool";
import { builtModulePath } from "../built-module.js";
import type { CheckCell } from "../results/check-result.js";
import type { CheckCellPlan } from "./check-cell.js";

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
    runCell: (plan) => pool.run(plan) as Promise<CheckCell>,
    close: () => pool.destroy(),
  };
}
