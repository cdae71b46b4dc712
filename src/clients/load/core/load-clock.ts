// The run's clock: monotonic, high resolution, in (fractional) microseconds; latencies are rounded when recorded.

export function nowUs(): number {
  return performance.now() * 1000;
}

/** The wall-clock instant (ms since the epoch) of a reading of nowUs(), to line up runs on several machines. */
export function wallClockMsOf(monotonicUs: number): number {
  return performance.timeOrigin + monotonicUs / 1000;
}

/** The nowUs() reading at which the wall clock shows `epochMs`. */
export function monotonicUsOf(epochMs: number): number {
  return (epochMs - performance.timeOrigin) * 1000;
}
