// Measures the CPU time of a load run's measured phase: this process's own (process.cpuUsage, which
// counts every thread, worker threads included) and, given its pid, the server's from /proc.

import type { CpuTimes } from "../../../results/cpu-usage.js";
import { readProcessTreeCpuUs } from "./process-cpu.js";

function driverCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

export class CpuMeter {
  private driverStartUs = 0;
  private serverStartUs: number | undefined;

  /** `driverCores`: the cores this process's load may use; `serverPid`: the server's process, when known. */
  constructor(
    private readonly driverCores: number,
    private readonly serverPid: number | undefined,
  ) {}

  start(): void {
    this.driverStartUs = driverCpuUs();
    if (this.serverPid !== undefined) this.serverStartUs = readProcessTreeCpuUs(this.serverPid);
  }

  /** The times since start(); a server gone in between (or never found) is left out, with a warning. */
  stop(): { times: CpuTimes; warning?: string } {
    const times: CpuTimes = { driverUs: driverCpuUs() - this.driverStartUs, driverCores: this.driverCores };
    if (this.serverPid === undefined) return { times };
    const serverEndUs = readProcessTreeCpuUs(this.serverPid);
    if (this.serverStartUs === undefined || serverEndUs === undefined) {
      return {
        times,
        warning: `server process ${this.serverPid} ended during the run: its CPU time is not reported`,
      };
    }
    return { times: { ...times, serverUs: serverEndUs - this.serverStartUs, serverPid: this.serverPid } };
  }
}
