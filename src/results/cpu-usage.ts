// What the CPU time of a load run's measured phase means: CPU per verified message and share of a core,
// for the driver and (when its process was known) the server, the part of it spent in the kernel (system
// calls and the network stack), and whether the driver's own cores were saturated, in which case the
// run's throughput measures the driver rather than the server.

/** At or above this share of its cores, the driver was the bottleneck. */
export const SATURATED_SHARE = 0.9;
export const SATURATION_WARNING_PREFIX = "the driver was saturated";

/** CPU time measured over the measured phase, before its figures are worked out. */
export interface CpuTimes {
  /** The driver process's CPU time, microseconds, every thread included. */
  driverUs: number;
  /** The part of driverUs spent in the kernel. */
  driverSystemUs?: number;
  /** Cores the driver could use: 1 for one thread, more with --workers (at most the machine's). */
  driverCores: number;
  /** The server's CPU time, microseconds: its process and every descendant (a cluster's workers). */
  serverUs?: number;
  /** The part of serverUs spent in the kernel. */
  serverSystemUs?: number;
  serverPid?: number;
}

export interface SideCpu {
  /** CPU time over the measured phase, microseconds. */
  cpuUs: number;
  /** cpuUs over the measured phase's length: 1 is one core busy throughout. */
  coreShare: number;
  /** cpuUs per verified message; absent when no message was verified. */
  usPerMessage?: number;
  /**
   * The part of cpuUs spent in the kernel (system time): what the side's system calls and the network
   * stack cost, which no user-space work removes. Absent from results written before it existed.
   */
  systemUs?: number;
}

export interface LoadCpu {
  driver: SideCpu & {
    cores: number;
    /** coreShare reached SATURATED_SHARE of `cores`: the throughput measures the driver. */
    saturated: boolean;
  };
  server?: SideCpu & { pid: number };
}

function side(cpuUs: number, systemUs: number | undefined, durationS: number, verified: number): SideCpu {
  return {
    cpuUs: Math.round(cpuUs),
    coreShare: durationS > 0 ? round(cpuUs / 1e6 / durationS, 3) : 0,
    ...(verified > 0 ? { usPerMessage: round(cpuUs / verified, 4) } : {}),
    ...(systemUs !== undefined ? { systemUs: Math.round(systemUs) } : {}),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function cpuFigures(times: CpuTimes, durationS: number, verified: number): LoadCpu {
  const driver = side(times.driverUs, times.driverSystemUs, durationS, verified);
  return {
    driver: {
      ...driver,
      cores: times.driverCores,
      saturated: driver.coreShare >= SATURATED_SHARE * times.driverCores,
    },
    ...(times.serverUs !== undefined && times.serverPid !== undefined
      ? {
          server: {
            ...side(times.serverUs, times.serverSystemUs, durationS, verified),
            pid: times.serverPid,
          },
        }
      : {}),
  };
}

/** The raw times behind figures, to be added to another run's (merging). */
export function cpuTimesOf(cpu: LoadCpu): CpuTimes {
  return {
    driverUs: cpu.driver.cpuUs,
    ...(cpu.driver.systemUs !== undefined ? { driverSystemUs: cpu.driver.systemUs } : {}),
    driverCores: cpu.driver.cores,
    ...(cpu.server !== undefined ? { serverUs: cpu.server.cpuUs, serverPid: cpu.server.pid } : {}),
    ...(cpu.server?.systemUs !== undefined ? { serverSystemUs: cpu.server.systemUs } : {}),
  };
}

/** The kernel's part of two measurements added, known only when both knew theirs. */
function addSystem(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined ? a + b : undefined;
}

/**
 * Times of two runs that ran side by side in separate driver processes: the drivers' add; a server both
 * measured (the same pid, over nearly the same window) counts once, different servers add. The server is
 * known only when both runs knew theirs.
 */
export function addCpuTimes(a: CpuTimes, b: CpuTimes): CpuTimes {
  const sameServer = a.serverPid === b.serverPid;
  const driverSystemUs = addSystem(a.driverSystemUs, b.driverSystemUs);
  // The same server measured twice: the larger measurement, its kernel part with it.
  const larger = (a.serverUs ?? 0) >= (b.serverUs ?? 0) ? a : b;
  const serverSystemUs = sameServer ? larger.serverSystemUs : addSystem(a.serverSystemUs, b.serverSystemUs);
  return {
    driverUs: a.driverUs + b.driverUs,
    ...(driverSystemUs !== undefined ? { driverSystemUs } : {}),
    driverCores: a.driverCores + b.driverCores,
    ...(a.serverUs !== undefined && b.serverUs !== undefined && a.serverPid !== undefined
      ? {
          serverUs: sameServer ? Math.max(a.serverUs, b.serverUs) : a.serverUs + b.serverUs,
          ...(serverSystemUs !== undefined ? { serverSystemUs } : {}),
          serverPid: a.serverPid,
        }
      : {}),
  };
}

export function saturationWarning(cpu: LoadCpu): string | undefined {
  if (!cpu.driver.saturated) return undefined;
  const cores = cpu.driver.cores === 1 ? "its 1 core" : `its ${cpu.driver.cores} cores`;
  return `${SATURATION_WARNING_PREFIX}: it used ${cpu.driver.coreShare.toFixed(2)} of ${cores}, so the throughput measures the driver, not the server (try --workers)`;
}
