// Runs check cells on worker threads, so that the matrix uses every core: each thread takes cells as
// the lanes of runCheck hand them out, and answers each with its CheckCell.

import { Worker } from "node:worker_threads";
import { builtModulePath } from "../built-module.js";
import type { CheckCell } from "../results/check-result.js";
import type { CheckCellPlan } from "./check-suite.js";

/** Between runCheck and a check worker. */
export type CheckThreadRequest = { id: number; plan: CheckCellPlan };
export type CheckThreadReply = { id: number; cell: CheckCell } | { id: number; error: string };

export interface CellRunner {
  runCell(id: number, plan: CheckCellPlan): Promise<CheckCell>;
  close(): Promise<void>;
}

export function cellRunnerInThreads(threads: number): CellRunner {
  const workers = Array.from(
    { length: threads },
    () => new Worker(builtModulePath(import.meta.url, "./check-worker.js")),
  );
  const pending = new Map<number, { resolve: (cell: CheckCell) => void; reject: (error: Error) => void }>();
  const load = workers.map(() => 0);
  for (const [index, worker] of workers.entries()) {
    worker.on("message", (reply: CheckThreadReply) => {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      load[index] = (load[index] as number) - 1;
      if ("cell" in reply) waiter?.resolve(reply.cell);
      else waiter?.reject(new Error(reply.error));
    });
    const failAll = (error: Error) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    worker.once("error", failAll);
    worker.once("exit", (code) => failAll(new Error(`check worker ${index} exited with code ${code}`)));
  }
  return {
    runCell(id, plan) {
      // The least busy thread takes the cell.
      const index = load.indexOf(Math.min(...load));
      load[index] = (load[index] as number) + 1;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        (workers[index] as Worker).postMessage({ id, plan } satisfies CheckThreadRequest);
      });
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
