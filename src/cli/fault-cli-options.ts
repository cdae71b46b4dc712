// The proxy's fault options as the command line names them (proxy, and check on top of its
// fragmentations), turned into the proxy's FaultOptions with one validation: exit 2 listing every problem.

import { type FaultOptions, validateFaults } from "../proxy/fault-options.js";
import { CommandFailure } from "./exit-codes.js";

export interface FaultCliOptions {
  sliceAvg?: number;
  sliceVariation?: number;
  sliceDelay?: number;
  coalesce?: number;
  latency?: number;
  jitter?: number;
  bandwidth?: number;
  resetAfter?: number;
}

/** The flag of each FaultOptions field, which the library names in its problems. */
const FLAG_OF: Record<keyof FaultOptions, string> = {
  sliceAvgBytes: "--slice-avg",
  sliceVariationBytes: "--slice-variation",
  sliceDelayMs: "--slice-delay",
  coalesceMs: "--coalesce",
  latencyMs: "--latency",
  jitterMs: "--jitter",
  bandwidthBytesPerS: "--bandwidth",
  resetAfterBytes: "--reset-after",
};

/** The faults the options set (unset ones left out); throws CommandFailure when they make no sense. */
export function faultsFromOptions(options: FaultCliOptions): FaultOptions {
  const faults: FaultOptions = {
    sliceAvgBytes: options.sliceAvg,
    sliceVariationBytes: options.sliceVariation,
    sliceDelayMs: options.sliceDelay,
    coalesceMs: options.coalesce,
    latencyMs: options.latency,
    jitterMs: options.jitter,
    bandwidthBytesPerS: options.bandwidth,
    resetAfterBytes: options.resetAfter,
  };
  const problems = validateFaults(faults, (field) => FLAG_OF[field]);
  if (problems.length > 0) throw new CommandFailure(problems.join("\n"));
  return Object.fromEntries(Object.entries(faults).filter(([, value]) => value !== undefined));
}
