// Absolute gates on a run's figures, like k6's thresholds: a p99 ceiling, an error ceiling and a
// throughput floor. Pure: it takes the figures and returns each gate that failed, in words.

import { formatCount, formatLatencyUs, plural } from "./format-number.js";

export interface Gates {
  /** p99 latency must not exceed this. */
  maxP99Us?: number;
  /** Errors (every kind) must not exceed this; when set it replaces "any error fails the run". */
  maxErrors?: number;
  /** Verified messages per second must reach this. */
  minThroughput?: number;
}

/** What a gate judges. */
export interface GatedFigures {
  p99Us: number;
  errors: number;
  messagesPerSec: number;
}

export function hasGates(gates: Gates): boolean {
  return gates.maxP99Us !== undefined || gates.maxErrors !== undefined || gates.minThroughput !== undefined;
}

/** Each failed gate as a phrase (`p99 3.10 ms above --max-p99 2.00 ms`); empty when all hold. */
export function failedGates(figures: GatedFigures, gates: Gates): string[] {
  const failures: string[] = [];
  if (gates.maxP99Us !== undefined && figures.p99Us > gates.maxP99Us) {
    failures.push(`p99 ${formatLatencyUs(figures.p99Us)} above --max-p99 ${formatLatencyUs(gates.maxP99Us)}`);
  }
  if (gates.maxErrors !== undefined && figures.errors > gates.maxErrors) {
    failures.push(`${plural(figures.errors, "error")} above --max-errors ${formatCount(gates.maxErrors)}`);
  }
  if (gates.minThroughput !== undefined && figures.messagesPerSec < gates.minThroughput) {
    failures.push(
      `${formatCount(figures.messagesPerSec)} msg/s below --min-throughput ${formatCount(gates.minThroughput)}`,
    );
  }
  return failures;
}
