// Loss over UDP: the requests that got no reply, whether the driver gave up on them after --timeout
// (`lost`) or the run ended while they waited (`timeout`). Over UDP that is the kernel's or the server's
// dropping, not a broken boundary, so bench and check report it apart from the other errors.

import type { LoadResult } from "./load-result.js";

type Counts = Pick<LoadResult, "errors" | "mismatches" | "messages">;

/** Requests sent that got no reply. */
export function unansweredCount(result: Counts): number {
  return result.mismatches.lost + result.errors.timeout;
}

/** The share of requests sent that got no reply (0 when none were sent). */
export function lossRatio(result: Counts): number {
  return result.messages.sent > 0 ? unansweredCount(result) / result.messages.sent : 0;
}

/** Errors other than loss: a datagram matched wrongly, repeated, overtaken or damaged, a socket error. */
export function errorsBesidesLoss(result: Counts): number {
  const total = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  return total - unansweredCount(result);
}
