// A median with a distribution-free confidence interval from order statistics: the k-th smallest and
// k-th largest of n values bracket the population median with probability 1 - 2 P(Binomial(n, 1/2) < k).
// No assumption on the shape of the rounds' distribution, and no resampling. Pure.

export interface MedianInterval {
  median: number;
  low: number;
  high: number;
  /** The interval's actual coverage: at least the asked one, or below it when n is too small (n < 6 for 95 %). */
  confidence: number;
}

/** P(Binomial(n, 1/2) <= k). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/** The narrowest order-statistic interval of at least `confidence` (or the full range when none reaches it). */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  if (values.length === 0) throw new RangeError("a median needs at least one value");
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const middle = (n - 1) / 2;
  const median = ((sorted[Math.floor(middle)] as number) + (sorted[Math.ceil(middle)] as number)) / 2;
  // k is 1-based: the largest k whose interval still covers; k = 1 is the full range.
  let k = 1;
  while (k + 1 <= Math.ceil(n / 2) && 1 - 2 * binomialHalfCdf(n, k) >= confidence) k++;
  return {
    median,
    low: sorted[k - 1] as number,
    high: sorted[n - k] as number,
    confidence: Math.max(0, 1 - 2 * binomialHalfCdf(n, k - 1)),
  };
}

/** The interval's half-width as a fraction of its median (0 for a zero median). */
export function relativeHalfWidth(interval: MedianInterval): number {
  return interval.median !== 0 ? (interval.high - interval.low) / 2 / Math.abs(interval.median) : 0;
}
