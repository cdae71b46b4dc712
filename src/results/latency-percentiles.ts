// Latency at chosen percentiles (the rows of --percentiles) and the percentile distribution curve the HTML
// report plots, both read from an HdrHistogram. Pure: no I/O.

import type { Histogram } from "hdr-histogram-js";

/** What the percentiles are read from: latency-histogram.ts's histograms (it imports this file). */
type LatencyHistogram = Pick<Histogram, "getValueAtPercentile">;

/** The rows of tables, CSV columns and `latencyUs.percentiles` unless --percentiles says otherwise. */
export const DEFAULT_PERCENTILES: readonly number[] = [50, 90, 99, 99.9, 99.99];

/** A percentile as a key and a column name: 99.9 -> "99.9", 50 -> "50". */
export function percentileKey(percentile: number): string {
  return String(percentile);
}

/** Latency in µs at each percentile, keyed by percentileKey; all 0 for an empty histogram. */
export function latencyAtPercentiles(
  histogram: LatencyHistogram,
  percentiles: readonly number[],
): Record<string, number> {
  return Object.fromEntries(
    percentiles.map((percentile) => [percentileKey(percentile), histogram.getValueAtPercentile(percentile)]),
  );
}

/** How far out the distribution curve goes: 1/(1-p) = 10^4 is 99.99%. */
export const CURVE_MAX_INVERSE_TAIL = 10_000;
const CURVE_STEPS_PER_DECADE = 16;

/**
 * The x values of the distribution curve: 1/(1-p), evenly spaced on a log scale from 1 (0%) to
 * CURVE_MAX_INVERSE_TAIL, as HdrHistogram's plotter draws them. Every curve shares these points.
 */
export function curveInverseTails(): number[] {
  const steps = Math.round(Math.log10(CURVE_MAX_INVERSE_TAIL) * CURVE_STEPS_PER_DECADE);
  return Array.from({ length: steps + 1 }, (_, step) => 10 ** (step / CURVE_STEPS_PER_DECADE));
}

/** The percentile p (0..100) whose 1/(1-p) is the given x. */
export function percentileOfInverseTail(inverseTail: number): number {
  return 100 * (1 - 1 / inverseTail);
}

/** Latency in µs at each point of curveInverseTails(). */
export function latencyCurve(histogram: LatencyHistogram): number[] {
  return curveInverseTails().map((inverseTail) =>
    histogram.getValueAtPercentile(percentileOfInverseTail(inverseTail)),
  );
}
