// The machine a result was measured on, recorded in every result file so that a comparison can warn
// when two files come from different machines (their speeds then say little about the code).

import { availableParallelism, cpus, totalmem } from "node:os";

export interface MachineInfo {
  /** Cores available to this process (availableParallelism). */
  cpus: number;
  cpuModel: string;
  /** Total memory, bytes. */
  memory: number;
  /** process.version, e.g. v20.19.0. */
  node: string;
  /** `linux x64`. */
  platform: string;
}

export function describeMachine(): MachineInfo {
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memory: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** What differs between two machines, as `CPU A vs B` phrases; empty when they look the same. */
export function machineDifferences(a: MachineInfo, b: MachineInfo): string[] {
  const differences: string[] = [];
  if (a.cpuModel !== b.cpuModel) differences.push(`CPU ${a.cpuModel} vs ${b.cpuModel}`);
  if (a.cpus !== b.cpus) differences.push(`${a.cpus} vs ${b.cpus} cores`);
  if (a.node !== b.node) differences.push(`Node ${a.node} vs ${b.node}`);
  if (a.platform !== b.platform) differences.push(`${a.platform} vs ${b.platform}`);
  return differences;
}
