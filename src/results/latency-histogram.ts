// Latency histograms: whole microseconds in an HdrHistogram (JS, not wasm), 1 µs to one hour at
// 3 significant digits, encoded compressed and base64 so results of several processes or machines merge.

import hdr, { type Histogram } from "hdr-histogram-js";
import { DEFAULT_PERCENTILES, latencyAtPercentiles } from "./latency-percentiles.js";

export type LatencyHistogram = Histogram;

/** One hour: a stalled server must not push a latency off the histogram. */
export const HIGHEST_LATENCY_US = 3_600_000_000;

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_LATENCY_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  // Decoding keeps the encoder's range; copy into our shape so any two decoded histograms add.
  const histogram = createLatencyHistogram();
  histogram.add(decoded);
  return histogram;
}

export interface LatencySummary {
  min: number;
  mean: number;
  stdev: number;
  p2_5: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  p999: number;
  max: number;
  /** Latency at each percentile of --percentiles (default DEFAULT_PERCENTILES), keyed "50", "99.9"... */
  percentiles?: Record<string, number>;
}

export function summarizeLatency(
  histogram: LatencyHistogram,
  percentiles: readonly number[] = DEFAULT_PERCENTILES,
): LatencySummary {
  const empty = histogram.totalCount === 0;
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    min: empty ? 0 : histogram.getValueAtPercentile(0),
    mean: empty ? 0 : round2(histogram.mean),
    stdev: empty ? 0 : round2(histogram.stdDeviation),
    p2_5: histogram.getValueAtPercentile(2.5),
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p97_5: histogram.getValueAtPercentile(97.5),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
    percentiles: latencyAtPercentiles(histogram, percentiles),
  };
}
