// The progress event of a running load: what the driver (and each of its worker threads) reports about
// once a second, for a progress line to show.

/** What a running load reports about once a second. */
export interface LoadProgress {
  elapsedMs: number;
  phase: "warmup" | "measure" | "drain";
  sent: number;
  verified: number;
  errors: number;
}
