// The task of a check thread (run by tinypool, see check-threads.ts): one cell, answered with its result.

import type { CheckCell } from "../results/check-result.js";
import { type CheckCellPlan, runCheckCell } from "./check-cell.js";

export default function runCellInThread(plan: CheckCellPlan): Promise<CheckCell> {
  return runCheckCell(plan);
}
