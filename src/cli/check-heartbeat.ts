// What `check --target|--server` is waiting for, on stderr while it runs: a silent server holds each
// cell for a whole timeout, and a matrix of them for a minute. On a terminal, one line rewritten every
// second; elsewhere (a pipe, a CI log), a line whenever nothing has been said for a while.

import type { Writable } from "node:stream";
import { ProgressLine } from "../report/progress-line.js";

/** How often the terminal line is rewritten. */
const TICK_MS = 1000;
/** Without a terminal: the silence after which a line says what check still waits for. */
export const HEARTBEAT_MS = 10_000;

interface RunningCell {
  name: string;
  startedMs: number;
}

function seconds(sinceMs: number, nowMs: number): string {
  return `${Math.floor((nowMs - sinceMs) / 1000)} s`;
}

export class CheckHeartbeat {
  private readonly progress: ProgressLine;
  private readonly running = new Map<number | string, RunningCell>();
  private readonly startedMs = Date.now();
  private total = 0;
  private done = 0;
  private shrinking: RunningCell | undefined;
  private lastSaidMs = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean },
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {
    this.progress = new ProgressLine(stream);
    this.timer = setInterval(() => this.tick(), Math.min(TICK_MS, heartbeatMs));
    // The run's own work keeps the process alive; the heartbeat must not.
    this.timer.unref();
  }

  cellStarted(index: number, total: number, plan: { size: number; fragmentation: string }): void {
    this.total = total;
    this.running.set(index, { name: `${plan.size} B ${plan.fragmentation}`, startedMs: Date.now() });
    this.showLine();
  }

  cellEnded(index: number): void {
    this.running.delete(index);
    this.done++;
    this.showLine();
  }

  probeStarted(name: string): void {
    this.running.set(`probe ${name}`, { name: `probe ${name}`, startedMs: Date.now() });
    this.showLine();
  }

  probeEnded(name: string): void {
    this.running.delete(`probe ${name}`);
    this.showLine();
  }

  /** A line of its own (a cell's verdict in a CI log), which counts as having said something. */
  say(line: string): void {
    this.progress.clear();
    this.stream.write(`${line}\n`);
    this.lastSaidMs = Date.now();
  }

  shrinkStarted(from: { size: number; fragmentation: string }): void {
    this.shrinking = { name: `${from.size} B ${from.fragmentation}`, startedMs: Date.now() };
    this.showLine();
  }

  stop(): void {
    clearInterval(this.timer);
    this.progress.clear();
  }

  /** What check waits for now, in a sentence. */
  describe(nowMs = Date.now()): string {
    if (this.shrinking !== undefined) {
      return `shrinking ${this.shrinking.name} for ${seconds(this.shrinking.startedMs, nowMs)}: each smaller case is a cell of its own`;
    }
    if (this.total === 0 && this.running.size === 0) {
      return `starting the server for ${seconds(this.startedMs, nowMs)}: waiting for it to be ready (--ready-timeout)`;
    }
    const waiting = [...this.running.values()]
      .map((cell) => `${cell.name} (${seconds(cell.startedMs, nowMs)})`)
      .join(", ");
    const cells = `${this.done} of ${this.total} cells done`;
    return waiting === ""
      ? cells
      : `${cells}; waiting on ${waiting} for its server to start and reply (each reply up to --timeout)`;
  }

  private showLine(): void {
    this.progress.text(this.describe());
  }

  private tick(): void {
    if (this.progress.enabled) {
      this.showLine();
      return;
    }
    const nowMs = Date.now();
    if (nowMs - this.lastSaidMs < this.heartbeatMs) return;
    this.lastSaidMs = nowMs;
    this.stream.write(`check: ${this.describe(nowMs)}\n`);
  }
}
