// What a result file's schema cannot say: that each histogram decodes into one this tool could have
// written, and that the measured time is what the per-second series holds. A file that passes its
// schema but fails here is named with the field, so that a report never allocates for a forged figure.

import { checkEncodedHistogram, HistogramDecodeError } from "./latency-histogram.js";
import type { LoadResult } from "./load-result.js";
import { ResultFileError } from "./result-file.js";

/** The first inconsistency of one load result (a load file, or a bench run at `at`), as `at PATH: why`. */
function loadResultProblem(result: LoadResult, at: string): string | undefined {
  const histograms: [string, string | undefined][] = [
    [`${at}/histogram`, result.histogram],
    [`${at}/uncorrectedHistogram`, result.uncorrectedHistogram],
    ...(result.perSecond.histograms ?? []).map((encoded, second): [string, string] => [
      `${at}/perSecond/histograms/${second}`,
      encoded,
    ]),
  ];
  for (const [path, encoded] of histograms) {
    if (encoded === undefined) continue;
    try {
      checkEncodedHistogram(encoded);
    } catch (error) {
      if (error instanceof HistogramDecodeError)
        return `at ${path}: the histogram does not decode: ${error.message}`;
      throw error;
    }
  }
  // A run writes one entry per second measured (its last second counted whole); one more covers a
  // merged run's parts, whose seconds line up rounded.
  const seconds = result.perSecond.messages.length;
  if (result.durationS > seconds + 1) {
    return `at ${at}/durationS: ${result.durationS} s measured, but /perSecond/messages holds ${seconds} s`;
  }
  return undefined;
}

/**
 * Throws a ResultFileError naming the file and field unless a schema-valid load or bench result is
 * consistent; the other kinds hold no histograms and nothing that could disagree with itself.
 */
export function requireConsistentResult(json: unknown, kind: string, source: string): void {
  if (kind !== "load" && kind !== "bench") return;
  const results =
    kind === "load"
      ? [{ result: json as LoadResult, at: "" }]
      : (json as { runs: LoadResult[] }).runs.map((result, index) => ({ result, at: `/runs/${index}` }));
  for (const { result, at } of results) {
    const problem = loadResultProblem(result, at);
    if (problem !== undefined) throw new ResultFileError("invalid", source, problem);
  }
}
