// The proxy's fault settings and their one validation, shared by the CLI and the library. Problems
// name the command-line option and what it allows, since that is how most people set them.

import { registerErrorClass, SockbenchError } from "../errors.js";

export const PROXY_DIRECTIONS = ["up", "down", "both"] as const;
/** `up`: client to target; `down`: target to client. */
export type ProxyDirection = (typeof PROXY_DIRECTIONS)[number];

/** Every fault is off when its setting is absent. */
export interface FaultOptions {
  /** Re-cut the stream into pieces of about this many bytes. */
  sliceAvgBytes?: number;
  /** Pieces are sliceAvgBytes ± this many bytes (default 0); must stay below sliceAvgBytes. */
  sliceVariationBytes?: number;
  /** Wait between pieces (default 0). */
  sliceDelayMs?: number;
  /** Hold bytes up to this long and deliver them as one write. */
  coalesceMs?: number;
  /** Delay every chunk by this long... */
  latencyMs?: number;
  /** ...± this long (at most latencyMs). */
  jitterMs?: number;
  /** Deliver at most this many bytes per second. */
  bandwidthBytesPerS?: number;
  /** Reset the connection once exactly this many bytes have passed in a faulted direction. */
  resetAfterBytes?: number;
}

export class FaultOptionsError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_FAULT_OPTIONS";

  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}
registerErrorClass(FaultOptionsError);

/**
 * Every problem with `faults`, each naming the option and what it allows; empty when they make sense.
 * An option is named by its field (`sliceAvgBytes`) unless `name` words it otherwise (the CLI's flags).
 */
export function validateFaults(
  faults: FaultOptions,
  name: (field: keyof FaultOptions) => string = (field) => field,
): string[] {
  const problems: string[] = [];
  const check = (problem: string | undefined) => {
    if (problem) problems.push(problem);
  };
  const sliced = faults.sliceAvgBytes !== undefined;
  check(wholeBytes(name("sliceAvgBytes"), faults.sliceAvgBytes, 1));
  check(wholeBytes(name("sliceVariationBytes"), faults.sliceVariationBytes, 0));
  check(durationMs(name("sliceDelayMs"), faults.sliceDelayMs, false));
  if (!sliced) {
    if (faults.sliceVariationBytes !== undefined)
      problems.push(`${name("sliceVariationBytes")} needs ${name("sliceAvgBytes")}`);
    if (faults.sliceDelayMs !== undefined)
      problems.push(`${name("sliceDelayMs")} needs ${name("sliceAvgBytes")}`);
  } else if (
    faults.sliceAvgBytes !== undefined &&
    faults.sliceVariationBytes !== undefined &&
    faults.sliceVariationBytes >= faults.sliceAvgBytes
  ) {
    problems.push(
      `${name("sliceVariationBytes")} must be below ${name("sliceAvgBytes")} (${faults.sliceAvgBytes}) so that no piece is empty, ` +
        `got ${faults.sliceVariationBytes}`,
    );
  }
  check(durationMs(name("coalesceMs"), faults.coalesceMs, true));
  check(durationMs(name("latencyMs"), faults.latencyMs, false));
  check(durationMs(name("jitterMs"), faults.jitterMs, false));
  if (faults.jitterMs !== undefined && faults.jitterMs > (faults.latencyMs ?? 0)) {
    problems.push(
      `${name("jitterMs")} must not exceed ${name("latencyMs")} (${faults.latencyMs ?? 0} ms) since a delay cannot be negative, ` +
        `got ${faults.jitterMs} ms`,
    );
  }
  check(wholeBytes(name("bandwidthBytesPerS"), faults.bandwidthBytesPerS, 1, " per second"));
  check(wholeBytes(name("resetAfterBytes"), faults.resetAfterBytes, 1));
  return problems;
}

/** Throws FaultOptionsError listing every problem. */
export function assertValidFaults(faults: FaultOptions): void {
  const problems = validateFaults(faults);
  if (problems.length > 0) throw new FaultOptionsError(problems);
}

function wholeBytes(
  option: string,
  value: number | undefined,
  minimum: number,
  per = "",
): string | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && value >= minimum)) return undefined;
  return `${option} must be a whole number of bytes${per}, at least ${minimum}, got ${value}`;
}

/** Node's timers cannot wait longer (about 24.8 days); a longer wait would fire at once. */
const MAX_DURATION_MS = 2 ** 31 - 1;

function durationMs(option: string, value: number | undefined, mustBePositive: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isFinite(value) && (mustBePositive ? value > 0 : value >= 0) && value <= MAX_DURATION_MS) {
    return undefined;
  }
  const lowest = mustBePositive ? "above 0 ms" : "of 0 ms or more";
  return `${option} must be a duration ${lowest} and at most ${MAX_DURATION_MS} ms, got ${value} ms`;
}
