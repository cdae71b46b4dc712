// What every lane does alike, whatever its transport: admits requests while its pipeline has room (from
// the run's budget in closed loop, from the schedule's due queue in open loop), picks each one's size and
// counts it as sent. A lane adds how a request goes on its socket and how many are in flight.

import { RequestQueue } from "../verification/request-queue.js";
import { nowUs } from "./load-clock.js";
import type { LaneHost, LoadLane } from "./load-lane.js";
import type { SizePicker } from "./request-source.js";

export abstract class PipelinedLane<Socket> implements LoadLane {
  /** Open loop: requests whose intended send time has come, not yet written (pipelining full, or no socket). */
  readonly due = new RequestQueue();

  constructor(
    readonly id: number,
    protected readonly host: LaneHost,
    /** This lane's sizes, one a request in the order issued (seeded: the same seed, the same order). */
    private readonly sizes: SizePicker,
  ) {}

  get isBusy(): boolean {
    return this.inFlight > 0 || this.due.length > 0;
  }

  enqueueDue(intendedUs: number): void {
    this.due.push(0, intendedUs, 0, undefined);
  }

  /** Issues as many requests as pipelining allows, then has the lane write what it batched. */
  pump(): void {
    const socket = this.writableSocket();
    if (socket === undefined) return;
    const stats = this.host.stats;
    const now = nowUs();
    if (this.host.openLoop) {
      const limit = this.openLoopLimit();
      while (this.inFlight < limit && this.due.length > 0) {
        const intendedUs = this.due.intendedUsAt(0);
        this.due.shift();
        this.issue(socket, intendedUs, now, this.sizes.next());
        stats.recordSent(intendedUs, now);
      }
    } else {
      const limit = this.host.config.pipelining;
      while (this.inFlight < limit && this.host.claimRequest(now)) {
        this.issue(socket, now, now, this.sizes.next());
        stats.recordSent(now, now);
      }
    }
    this.flush(socket);
  }

  /** Requests written and neither answered nor given up. */
  protected abstract get inFlight(): number;

  /** The socket requests go on now; undefined while there is none (opening, reconnecting, closed). */
  protected abstract writableSocket(): Socket | undefined;

  /** One request of `sizeBytes`, meant for `intendedUs`: in flight from now on, written at once or by flush(). */
  protected abstract issue(socket: Socket, intendedUs: number, nowUs: number, sizeBytes: number): void;

  /** Writes what this turn's requests left for one write together (nothing, unless the lane batches). */
  protected flush(_socket: Socket): void {}

  /** Open loop: how many may be in flight before due requests wait for room. */
  protected openLoopLimit(): number {
    return this.host.config.pipelining;
  }

  abstract checkTimeout(nowUs: number, timeoutUs: number): void;
  abstract oldestSentUs(): number | undefined;
  abstract measuredUnanswered(): number;
  abstract close(): Promise<void>;
}
