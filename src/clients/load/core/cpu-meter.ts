// Measures the CPU time of a load run's measured phase: this process's own (process.cpuUsage, which
// counts every thread, worker threads included) and, given its pid, the server's from /proc.

import { type ProcessCpu, readProcessTreeCpu } from "../../../platform/process-cpu.js";
import type { CpuTimes } from "../../../results/cpu-usage.js";

function driverCpu(): ProcessCpu {
  const usage = process.cpuUsage();
  return { cpuUs: usage.user + usage.system, systemUs: usage.system };
}

export class CpuMeter {
  private driverStart: ProcessCpu = { cpuUs: 0, systemUs: 0 };
  private serverStart: ProcessCpu | undefined;

  /** `driverCores`: the cores this process's load may use; `serverPid`: the server's process, when known. */
  constructor(
    private readonly driverCores: number,
    private readonly serverPid: number | undefined,
  ) {}

  start(): void {
    this.driverStart = driverCpu();
    if (this.serverPid !== undefined) this.serverStart = readProcessTreeCpu(this.serverPid);
  }

  /** The times since start(); a server gone in between (or never found) is left out, with a warning. */
  stop(): { times: CpuTimes; warning?: string } {
    const driverEnd = driverCpu();
    const times: CpuTimes = {
      driverUs: driverEnd.cpuUs - this.driverStart.cpuUs,
      driverSystemUs: driverEnd.systemUs - this.driverStart.systemUs,
      driverCores: this.driverCores,
    };
    if (this.serverPid === undefined) return { times };
    const serverEnd = readProcessTreeCpu(this.serverPid);
    if (this.serverStart === undefined || serverEnd === undefined) {
      return {
        times,
        warning: `server process ${this.serverPid} ended during the run: its CPU time is not reported`,
      };
    }
    return {
      times: {
        ...times,
        serverUs: serverEnd.cpuUs - this.serverStart.cpuUs,
        serverSystemUs: serverEnd.systemUs - this.serverStart.systemUs,
        serverPid: this.serverPid,
      },
    };
  }
}
