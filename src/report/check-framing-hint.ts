// The hint `load` gives when nothing verified, for `check --target|--server`: when no cell verified a
// single reply (every one timed out, say), the framing spoken is most likely not the server's.

import { framingMismatchCause } from "../results/load-result.js";
import type { TargetCheckResult } from "../results/target-check-result.js";

/** The hint's line, or none when some cell verified a reply or every cell passed or was refused. */
export function checkFramingHintLines(result: TargetCheckResult): string[] {
  const judged = result.cells.filter((cell) => cell.verdict !== "refused");
  const nothingVerified =
    judged.length > 0 && judged.every((cell) => cell.verdict === "fail" && cell.messages === 0);
  if (!nothingVerified) return [];
  return [`hint: no cell verified a single reply; ${framingMismatchCause(result.framing)}`];
}
