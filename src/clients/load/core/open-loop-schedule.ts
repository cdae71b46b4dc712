// The open loop's clock, as wrk2 runs it: request k is due at start + k / rate, whatever happened to
// the ones before, and goes to lane (connection) k mod C. A lane that cannot write it yet (pipelining
// full, reconnecting) keeps it due, so its latency, counted from the intended time, shows the wait.

import { nowUs } from "./load-clock.js";
import type { LoadLane } from "./load-lane.js";

export class OpenLoopSchedule {
  private readonly intervalUs: number;
  private issued = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    rate: number,
    private readonly connections: readonly LoadLane[],
    private readonly startUs: number,
    /** Requests in the whole schedule (warmup included). */
    readonly totalCount: number,
  ) {
    this.intervalUs = 1e6 / rate;
  }

  /** How many requests of a schedule starting at 0 fall before `offsetUs`. */
  static countBefore(rate: number, offsetUs: number): number {
    return Math.ceil((offsetUs * rate) / 1e6);
  }

  get isComplete(): boolean {
    return this.issued >= this.totalCount;
  }

  start(): void {
    this.tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Makes every remaining request of the schedule due now (at the deadline), then stops. */
  complete(): void {
    this.stop();
    this.enqueue(this.totalCount);
  }

  private tick(): void {
    this.timer = undefined;
    this.enqueue(Math.min(this.totalCount, Math.floor((nowUs() - this.startUs) / this.intervalUs) + 1));
    if (this.isComplete) return;
    const nextUs = this.startUs + this.issued * this.intervalUs;
    this.timer = setTimeout(() => this.tick(), Math.max(0, (nextUs - nowUs()) / 1000));
  }

  /** Hands requests up to `dueCount` (exclusive) to their connections, at their intended times. */
  private enqueue(dueCount: number): void {
    const connectionCount = this.connections.length;
    for (; this.issued < dueCount; this.issued++) {
      const connection = this.connections[this.issued % connectionCount] as LoadLane;
      connection.enqueueDue(this.startUs + this.issued * this.intervalUs);
    }
    for (const connection of this.connections) if (connection.due.length > 0) connection.pump();
  }
}
