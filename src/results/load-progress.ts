// The progress event of a running load: what the driver (and each of its worker threads) reports about
// once a second, for a progress line to show.

/** What a running load reports about once a second. */
export interface LoadProgress {
  elapsedMs: number;
  phase: "warmup" | "measure" | "drain";
  sent: number;
  /** Replies, right or wrong (with --expect none, unjudged). */
  received: number;
  /** Replies judged right: 0 with --expect none. */
  verified: number;
  /** False with --expect none: the replies are received, not judged. */
  judged: boolean;
  errors: number;
}
