// The command line that runs exactly one cell of a user-server check again: the same target and
// expectation, framing, size, fragmentation, connections, proxy faults and seed.

import { DEFAULT_TOKEN } from "../framing/token.js";
import type { FaultOptions } from "../proxy/fault-options.js";
import { shellCommand } from "../targets/shell-quote.js";
import { targetArguments } from "../targets/target-spec.js";
import type { TargetCellPlan, TargetCheckSettings } from "./target-cell-plan.js";

/** The proxy faults check takes on top of the fragmentations, as command-line options. */
const FAULT_OPTIONS: [keyof FaultOptions, string, (value: number) => string][] = [
  ["latencyMs", "--latency", (value) => `${value}ms`],
  ["jitterMs", "--jitter", (value) => `${value}ms`],
  ["bandwidthBytesPerS", "--bandwidth", String],
  ["resetAfterBytes", "--reset-after", String],
];

export function reproduceCommand(plan: TargetCellPlan, settings: TargetCheckSettings): string {
  const words = ["sockbench", "check", ...targetArguments(settings.choice), "--framing", settings.framing];
  if (settings.framing === "eof" && settings.tokenText !== DEFAULT_TOKEN)
    words.push("--token", settings.tokenText);
  if (settings.framing === "fixed") words.push("--record-size", String(settings.recordSize));
  if (settings.maxFrameBytes !== undefined) words.push("--max-frame", String(settings.maxFrameBytes));
  words.push("--sizes", String(plan.size), "--fragmentations", plan.fragmentation);
  if (settings.connections !== 1) words.push("--connections", String(settings.connections));
  if (settings.timeoutMs !== undefined) words.push("--timeout", `${settings.timeoutMs}ms`);
  for (const [key, option, format] of FAULT_OPTIONS) {
    const value = settings.faults[key];
    if (value !== undefined) words.push(option, format(value));
  }
  words.push("--seed", String(settings.seed), "--no-shrink");
  return shellCommand(words);
}
