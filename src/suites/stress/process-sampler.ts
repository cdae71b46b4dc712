// Samples a server's processes from /proc while a scenario runs: resident memory (VmRSS) and open file
// descriptors, summed over the processes, and keeps the peaks. Linux only; elsewhere it reports nothing.

import { countFds, readResidentBytes } from "../../platform/proc-files.js";

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
      const rss = readResidentBytes(pid);
      const fds = countFds(pid);
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
