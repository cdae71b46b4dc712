// The open loop's clock, as wrk2 runs it: request k is due at start + k / rate, whatever happened to
// the ones before, and goes to lane (connection) k mod C. A lane that cannot write it yet (pipelining
// full, reconnecting) keeps it due, so its latency, counted from the intended time, shows the wait.
// A shard or worker runs the whole load's schedule and issues only the requests of its own connections,
// so its parts together issue exactly the whole load's requests, at the same instants.

import { nowUs } from "./load-clock.js";
import type { LoadLane } from "./load-lane.js";
import { type ConnectionSlice, nextRequestOnSlice } from "./load-share.js";

export class OpenLoopSchedule {
  private readonly intervalUs: number;
  /** Requests of the whole schedule handed out so far (those of other slices skipped). */
  private issued = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    rate: number,
    /** The lanes of `slice`, in connection order. */
    private readonly connections: readonly LoadLane[],
    private readonly slice: ConnectionSlice,
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
    const next = Math.min(this.totalCount, nextRequestOnSlice(this.issued, this.slice));
    const nextUs = this.startUs + next * this.intervalUs;
    this.timer = setTimeout(() => this.tick(), Math.max(0, (nextUs - nowUs()) / 1000));
  }

  /** Hands requests up to `dueCount` (exclusive) to their connections, at their intended times. */
  private enqueue(dueCount: number): void {
    const { first, total } = this.slice;
    for (
      let k = nextRequestOnSlice(this.issued, this.slice);
      k < dueCount;
      k = nextRequestOnSlice(k + 1, this.slice)
    ) {
      const connection = this.connections[(k % total) - first] as LoadLane;
      connection.enqueueDue(this.startUs + k * this.intervalUs);
    }
    this.issued = Math.max(this.issued, dueCount);
    for (const connection of this.connections) if (connection.due.length > 0) connection.pump();
  }
}
