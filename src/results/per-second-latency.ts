// Latency second by second: each second of a run keeps its own encoded HdrHistogram, so that results
// of several workers merge second by second, and its p99 is read from it. Pure: no I/O.

import { createLatencyHistogram, decodeHistogram, encodeHistogram } from "./latency-histogram.js";

/** The encoding of a second without a verified reply. */
export const EMPTY_SECOND_HISTOGRAM = encodeHistogram(createLatencyHistogram());

/** The p99 (µs) of each second; 0 for a second without a verified reply. */
export function p99OfEachSecond(histograms: readonly string[]): number[] {
  return histograms.map((encoded) => decodeHistogram(encoded).getValueAtPercentile(99));
}

/** Adds two runs' per-second histograms second by second (the longer run's last seconds as they are). */
export function mergeSecondHistograms(a: readonly string[], b: readonly string[]): string[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, second) => {
    const histogram = decodeHistogram(a[second] ?? EMPTY_SECOND_HISTOGRAM);
    histogram.add(decodeHistogram(b[second] ?? EMPTY_SECOND_HISTOGRAM));
    return encodeHistogram(histogram);
  });
}
