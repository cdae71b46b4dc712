// HdrHistogram's percentile-distribution text (.hgrm), as wrk2 -L prints it and HdrHistogram's plotter
// reads it: values in milliseconds, five percentile ticks per half distance. hdr-histogram-js writes it.

import { decodeHistogram } from "../results/latency-histogram.js";

/** The histogram records microseconds; .hgrm files conventionally hold milliseconds. */
const MICROSECONDS_PER_MS = 1000;
const TICKS_PER_HALF_DISTANCE = 5;

/** The .hgrm text of an encoded latency histogram (a result's `histogram`). */
export function formatHgrm(encodedHistogram: string): string {
  return decodeHistogram(encodedHistogram).outputPercentileDistribution(
    TICKS_PER_HALF_DISTANCE,
    MICROSECONDS_PER_MS,
  );
}
