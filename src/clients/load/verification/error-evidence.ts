// The bytes shown beside an error, where there are some, so that a report can set what came against what
// was expected: a verifier's mismatches carry them, and so do a lane's timeouts and resets.

export interface ErrorEvidence {
  /** The reply expected (for echo, the request itself). */
  expected?: Buffer;
  /** The request, where a judge decides and no exact reply is known. */
  request?: Buffer;
  /** What came instead; absent when nothing came. */
  received?: Buffer;
}
