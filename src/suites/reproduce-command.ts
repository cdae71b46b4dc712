// The command lines that run part of a user-server check again: one cell (the same target and
// expectation, framing, payloads, size, fragmentation, connections, proxy faults and seed), the cells a
// stateful failure needs, or one probe.

import { framingCliWords } from "../framing/registry.js";
import { shellCommand } from "../platform/shell-quote.js";
import type { FaultOptions } from "../proxy/fault-options.js";
import type { FragmentationName } from "../results/fragmentation-name.js";
import type { ProbeName } from "../results/probe-name.js";
import { targetArguments } from "../targets/target-spec.js";
import {
  DEFAULT_CONCURRENT_CLIENTS,
  DEFAULT_PAYLOAD,
  type TargetCellPlan,
  type TargetCheckSettings,
} from "./target-cell-plan.js";

/** The proxy faults check takes on top of the fragmentations, as command-line options. */
const FAULT_OPTIONS: [keyof FaultOptions, string, (value: number) => string][] = [
  ["latencyMs", "--latency", (value) => `${value}ms`],
  ["jitterMs", "--jitter", (value) => `${value}ms`],
  ["bandwidthBytesPerS", "--bandwidth", String],
  ["resetAfterBytes", "--reset-after", String],
];

/** The words every reproducing command starts with: target, expectation, framing and payloads. */
function commonWords(settings: TargetCheckSettings): string[] {
  const words = [
    "sockbench",
    "check",
    ...targetArguments(settings.choice),
    ...framingCliWords(settings.framing),
    ...(settings.replyFraming !== undefined ? framingCliWords(settings.replyFraming, "reply") : []),
  ];
  if (settings.maxFrameBytes !== undefined) words.push("--max-frame", String(settings.maxFrameBytes));
  if (settings.payload !== DEFAULT_PAYLOAD) words.push("--payload", settings.payload);
  if (settings.timeoutMs !== undefined) words.push("--timeout", `${settings.timeoutMs}ms`);
  for (const [key, option, format] of FAULT_OPTIONS) {
    const value = settings.faults[key];
    if (value !== undefined) words.push(option, format(value));
  }
  return words;
}

/** Runs one cell of the matrix again, and no probe. */
export function reproduceCommand(plan: TargetCellPlan, settings: TargetCheckSettings): string {
  return reproduceCellsCommand([plan.size], [plan.fragmentation], settings);
}

/**
 * Runs these sizes under these fragmentations (every pair, in the matrix's order) and no probe: more than
 * one cell when a failure needs what earlier cells left in a server that is not restarted.
 */
export function reproduceCellsCommand(
  sizes: readonly number[],
  fragmentations: readonly FragmentationName[],
  settings: TargetCheckSettings,
): string {
  const words = commonWords(settings);
  words.push("--sizes", sizes.join(","), "--fragmentations", fragmentations.join(","));
  if (settings.connections !== 1) words.push("--connections", String(settings.connections));
  words.push("--seed", String(settings.seed), "--no-probes", "--no-shrink");
  return shellCommand(words);
}

/** Runs one probe again, and no cell of the matrix. */
export function reproduceProbeCommand(name: ProbeName, settings: TargetCheckSettings): string {
  const words = commonWords(settings);
  words.push("--no-matrix", "--probes", name);
  if (name === "concurrent-clients" && settings.concurrentClients !== DEFAULT_CONCURRENT_CLIENTS) {
    words.push("--clients", String(settings.concurrentClients));
  }
  words.push("--seed", String(settings.seed));
  return shellCommand(words);
}
