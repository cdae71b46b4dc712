// Samples a server's processes from /proc while a scenario runs: resident memory (VmRSS) and open file
// descriptors, summed over the processes, and keeps the peaks. Linux only; elsewhere it reports nothing.

import { readdirSync, readFileSync } from "node:fs";

const SAMPLE_INTERVAL_MS = 100;

export interface ProcessPeaks {
  peakRssBytes: number;
  peakOpenFds: number;
}

export class ProcessSampler {
  private readonly peaks: ProcessPeaks = { peakRssBytes: 0, peakOpenFds: 0 };
  private readonly timer: NodeJS.Timeout;
  private sampled = false;

  constructor(private readonly pids: () => number[]) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  /** Stops sampling; undefined when no process could be read. */
  stop(): ProcessPeaks | undefined {
    clearInterval(this.timer);
    this.sample();
    return this.sampled ? { ...this.peaks } : undefined;
  }

  private sample(): void {
    let rssBytes = 0;
    let openFds = 0;
    let readAny = false;
    for (const pid of this.pids()) {
      const rss = residentBytes(pid);
      const fds = openFileCount(pid);
      if (rss === undefined || fds === undefined) continue;
      readAny = true;
      rssBytes += rss;
      openFds += fds;
    }
    if (!readAny) return;
    this.sampled = true;
    this.peaks.peakRssBytes = Math.max(this.peaks.peakRssBytes, rssBytes);
    this.peaks.peakOpenFds = Math.max(this.peaks.peakOpenFds, openFds);
  }
}

function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function openFileCount(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}
