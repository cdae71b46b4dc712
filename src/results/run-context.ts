// Where and how a result was made, recorded in every result file so that a report can say it: the
// command line, the machine, and the sockbench commit when it ran from a git checkout.

import type { MachineInfo } from "../platform/run-context.js";

export type { MachineInfo, RunContext } from "../platform/run-context.js";

/** What differs between two machines, as `CPU A vs B` phrases; empty when they look the same. */
export function machineDifferences(a: MachineInfo, b: MachineInfo): string[] {
  const differences: string[] = [];
  if (a.cpuModel !== b.cpuModel) differences.push(`CPU ${a.cpuModel} vs ${b.cpuModel}`);
  if (a.cpus !== b.cpus) differences.push(`${a.cpus} vs ${b.cpus} cores`);
  if (a.node !== b.node) differences.push(`Node ${a.node} vs ${b.node}`);
  if (a.platform !== b.platform) differences.push(`${a.platform} vs ${b.platform}`);
  return differences;
}
