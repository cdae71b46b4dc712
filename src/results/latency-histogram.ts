// Latency histograms: whole microseconds in an HdrHistogram (JS, not wasm), 1 µs to one hour at
// 3 significant digits, encoded compressed and base64 so results of several processes or machines merge.

import { inflateSync } from "node:zlib";
import hdr, { type Histogram } from "hdr-histogram-js";
import { registerErrorClass, SockbenchError } from "../errors.js";
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

/** HdrHistogram's V2 compressed-encoding cookie, its low 4 bits free (word size). */
const COMPRESSED_COOKIE_BASE = 0x1c849304;
/** What an encoded histogram of ours inflates to at most: its 40-byte header and ~11 bytes per non-zero bucket (47,104 buckets). */
const MAX_INFLATED_BYTES = 1024 * 1024;
const HEADER_BYTES = 40;

/** An encoded histogram that is not one this tool wrote (or could have): says what is wrong with it. */
export class HistogramDecodeError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_HISTOGRAM_DECODE";
}
registerErrorClass(HistogramDecodeError);

/**
 * Reads the header of a compressed HdrHistogram without building it: one that would not decode, or asks
 * for more than our histograms hold (values past HIGHEST_LATENCY_US, more than 3 significant digits, a
 * payload inflating past MAX_INFLATED_BYTES), throws a HistogramDecodeError rather than allocate for it.
 */
export function checkEncodedHistogram(encoded: string): void {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== COMPRESSED_COOKIE_BASE) {
    throw new HistogramDecodeError("not a compressed HdrHistogram (V2 encoding, base64)");
  }
  const compressedBytes = bytes.readInt32BE(4);
  if (compressedBytes < 0 || 8 + compressedBytes > bytes.length) {
    throw new HistogramDecodeError(
      `cut short: it claims ${compressedBytes} compressed bytes, ${bytes.length - 8} follow`,
    );
  }
  let inflated: Buffer;
  try {
    inflated = inflateSync(bytes.subarray(8, 8 + compressedBytes), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    throw new HistogramDecodeError(`its compressed counts do not inflate: ${(error as Error).message}`);
  }
  if (inflated.length < HEADER_BYTES) throw new HistogramDecodeError("its header is cut short");
  const payloadBytes = inflated.readInt32BE(4);
  const digits = inflated.readInt32BE(12);
  const lowest = Number(inflated.readBigInt64BE(16));
  const highest = Number(inflated.readBigInt64BE(24));
  if (payloadBytes < 0 || HEADER_BYTES + payloadBytes > inflated.length) {
    throw new HistogramDecodeError(`its counts are cut short (${payloadBytes} bytes claimed)`);
  }
  if (digits < 0 || digits > 3 || lowest < 1 || highest > HIGHEST_LATENCY_US || highest < 2 * lowest) {
    throw new HistogramDecodeError(
      `it asks for values ${lowest} to ${highest} at ${digits} significant digits; allowed: 1 to ${HIGHEST_LATENCY_US} µs at up to 3`,
    );
  }
}

/** The histogram `encoded` holds; a HistogramDecodeError when checkEncodedHistogram refuses it. */
export function decodeHistogram(encoded: string): LatencyHistogram {
  checkEncodedHistogram(encoded);
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
