// The record size the suites give fixed framing: a record must hold the largest message, so it is
// the default 1024 bytes or the message size, whichever is larger.

import { DEFAULT_RECORD_SIZE } from "../framing/fixed-record-framing.js";

export function recordSizeFor(sizeBytes: number): number {
  return Math.max(DEFAULT_RECORD_SIZE, sizeBytes);
}
