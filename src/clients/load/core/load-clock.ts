// The run's clock: monotonic, high resolution, in (fractional) microseconds; latencies are rounded when recorded.

export function nowUs(): number {
  return performance.now() * 1000;
}
