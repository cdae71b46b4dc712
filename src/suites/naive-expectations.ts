// Where the naive framing (each read of up to 1024 bytes is one message) must fail the check matrix, by
// rule and with the reason. Elsewhere its verdict is a matter of how the kernel happens to cut reads.

import { NAIVE_READ_BYTES } from "../framing/naive-framing.js";
import type { Fragmentation } from "./fragmentations.js";

/** The largest piece the proxy's slicer may cut (its average plus its variation). */
function largestSliceBytes(fragmentation: Fragmentation): number | undefined {
  const faults = fragmentation.proxyFaults;
  if (faults?.sliceAvgBytes === undefined) return undefined;
  return faults.sliceAvgBytes + (faults.sliceVariationBytes ?? 0);
}

/** Why naive must fail a cell, or undefined when it may pass (a pass there proves nothing either way). */
export function naiveMustFailReason(sizeBytes: number, fragmentation: Fragmentation): string | undefined {
  if (sizeBytes === 0) return "an empty message sends no bytes, so no read ever sees it and no reply comes";
  if (sizeBytes > NAIVE_READ_BYTES) {
    return `one recv(${NAIVE_READ_BYTES}) cannot hold ${sizeBytes} bytes: the message arrives as several`;
  }
  const largestSlice = largestSliceBytes(fragmentation);
  if (largestSlice !== undefined && sizeBytes > largestSlice) {
    return `the proxy cuts the stream into pieces of at most ${largestSlice} bytes: each read holds part of a message`;
  }
  const pipelining = fragmentation.pipelining ?? 1;
  if (fragmentation.proxyFaults?.coalesceMs !== undefined && pipelining > 1 && sizeBytes < NAIVE_READ_BYTES) {
    // At exactly 1024 bytes each recv(1024) still cuts a merged read at the message boundaries.
    return `the proxy delivers ${pipelining} requests in flight as one write: one read holds several messages`;
  }
  const pieces = fragmentation.splitPieces ?? 1;
  if (pieces > 1 && sizeBytes >= pieces) {
    return `the driver writes each message in ${pieces} pieces a timer turn apart: each read holds part of one`;
  }
  return undefined;
}
