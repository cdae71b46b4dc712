// The task of a check thread (run by tinypool, see check-threads.ts): one cell, answered with its result,
// or with the error it threw, serialized so that check-threads.ts rebuilds it as its own class.

import { type SerializedError, serializeError } from "../errors.js";
import type { CheckCell } from "../results/check-result.js";
import { type CheckCellPlan, runCheckCell } from "./check-cell.js";

export type CellOutcome = { cell: CheckCell } | { error: SerializedError };

export default async function runCellInThread(plan: CheckCellPlan): Promise<CellOutcome> {
  try {
    return { cell: await runCheckCell(plan) };
  } catch (error) {
    return { error: serializeError(error) };
  }
}
