// Where the naive framing (each read of up to 1024 bytes is one message) must fail the check matrix, by
// rule and with the reason. Elsewhere its verdict is a matter of how the kernel happens to cut reads.

import { NAIVE_READ_BYTES } from "../framing/naive-framing.js";
import type { Fragmentation } from "./fragmentations.js";

/**
 * The proxy writes a chunk's slices one by one but in one burst, so a receiver that reads after the burst
 * gets them merged again: a short message survives slicing by chance. A longer one does not: each tiny
 * segment costs the receiving kernel far more buffer than its bytes, so the burst stalls and the
 * receiver reads it in parts (on Linux, 1..7-byte slices broke 100-byte messages in every run of 32).
 * From this size on, slicing must break naive.
 */
export const NAIVE_SLICING_BREAKS_FROM_BYTES = 512;

/** Why naive must fail a cell, or undefined when it may pass (a pass there proves nothing either way). */
export function naiveMustFailReason(sizeBytes: number, fragmentation: Fragmentation): string | undefined {
  if (sizeBytes === 0) return "an empty message sends no bytes, so no read ever sees it and no reply comes";
  if (sizeBytes > NAIVE_READ_BYTES) {
    return `one recv(${NAIVE_READ_BYTES}) cannot hold ${sizeBytes} bytes: the message arrives as several`;
  }
  const faults = fragmentation.proxyFaults;
  if (faults?.sliceAvgBytes !== undefined && sizeBytes >= NAIVE_SLICING_BREAKS_FROM_BYTES) {
    const largestSlice = faults.sliceAvgBytes + (faults.sliceVariationBytes ?? 0);
    return `the proxy cuts each ${sizeBytes}-byte message into pieces of at most ${largestSlice} bytes, too many to arrive as one read`;
  }
  const pipelining = fragmentation.pipelining ?? 1;
  if (faults?.coalesceMs !== undefined && pipelining > 1 && sizeBytes < NAIVE_READ_BYTES) {
    // At exactly 1024 bytes each recv(1024) still cuts a merged read at the message boundaries.
    return `the proxy delivers ${pipelining} requests in flight as one write: one read holds several messages`;
  }
  const pieces = fragmentation.splitPieces ?? 1;
  // Split pieces leave a timer turn apart, so they arrive as reads of their own: two bytes are enough.
  if (pieces > 1 && sizeBytes >= 2) {
    return `the driver writes each message in up to ${pieces} pieces a timer turn apart: each read holds part of one`;
  }
  return undefined;
}
