// Delivers chunks at scheduled times, in the order they were scheduled: a chunk due earlier than
// the one before it waits for it, so no stage built on this can reorder bytes. One timer at a time.

import { performance } from "node:perf_hooks";
import type { ChunkSink, FaultStage } from "./fault-stage.js";

const LONGEST_TIMER_MS = 2 ** 31 - 1;

interface ScheduledChunk {
  chunk: Buffer;
  dueMs: number;
}

export class TimedDelivery implements FaultStage {
  private entries: ScheduledChunk[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private ending = false;
  private destroyed = false;
  /** When the last scheduled chunk is (or was) due; -Infinity before the first. */
  lastDueMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly next: ChunkSink) {}

  static nowMs(): number {
    return performance.now();
  }

  /** Passes `chunk` on at `dueMs` (on the performance.now() clock), or later if an earlier chunk is due later. */
  schedule(chunk: Buffer, dueMs: number): void {
    if (this.destroyed) return;
    this.lastDueMs = Math.max(dueMs, this.lastDueMs);
    if (this.head === this.entries.length && this.lastDueMs <= TimedDelivery.nowMs()) {
      this.next.write(chunk);
      return;
    }
    this.entries.push({ chunk, dueMs: this.lastDueMs });
    this.arm();
  }

  /** Same as scheduling `chunk` now: it still waits behind anything held. */
  write(chunk: Buffer): void {
    this.schedule(chunk, TimedDelivery.nowMs());
  }

  end(): void {
    this.ending = true;
    if (this.head === this.entries.length && !this.destroyed) this.next.end();
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.entries = [];
    this.head = 0;
  }

  private arm(): void {
    const first = this.entries[this.head];
    if (this.timer !== undefined || first === undefined) return;
    // Timers have whole-millisecond resolution; rounding up never delivers early. A wait beyond the
    // longest timer is taken in steps (deliverDue re-arms while nothing is due).
    const waitMs = Math.min(LONGEST_TIMER_MS, Math.max(1, Math.ceil(first.dueMs - TimedDelivery.nowMs())));
    this.timer = setTimeout(() => this.deliverDue(), waitMs);
  }

  private deliverDue(): void {
    this.timer = undefined;
    const nowMs = TimedDelivery.nowMs();
    for (let first = this.entries[this.head]; first !== undefined && first.dueMs <= nowMs; ) {
      this.head++;
      this.next.write(first.chunk);
      if (this.destroyed) return;
      first = this.entries[this.head];
    }
    // Consumed entries are dropped once they are half the array: amortized O(1) per chunk.
    if (this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.entries.length > 0) this.arm();
    else if (this.ending) this.next.end();
  }
}
