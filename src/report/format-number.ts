// Counts, percentages and durations as every table and message prints them: thousands separators,
// percent as percent (0.1 reads "10%"), singular for one ("1 connection"), durations with their unit.

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString("en-US");
}

/** `1 connection`, `10 connections`, with thousands separators. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** A fraction as percent with at most one decimal: 0.1 reads `10%`, 0.1234 reads `12.3%`. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

/** A duration the way the options take it back: `5s`, `1.5s`, `250ms`, `2m`. */
export function formatDurationMs(durationMs: number): string {
  if (durationMs >= 60_000 && durationMs % 60_000 === 0) return `${durationMs / 60_000}m`;
  if (durationMs === 0 || durationMs >= 1000) return `${Number((durationMs / 1000).toFixed(3))}s`;
  return `${Number(durationMs.toFixed(3))}ms`;
}

/** A latency in milliseconds: two decimals below 100 ms, whole milliseconds above; microseconds below 10 µs. */
export function formatLatencyUs(latencyUs: number): string {
  if (latencyUs > 0 && latencyUs < 10) return `${Number(latencyUs.toFixed(2))} µs`;
  const latencyMs = latencyUs / 1000;
  return `${latencyMs >= 100 ? formatCount(latencyMs) : latencyMs.toFixed(2)} ms`;
}
