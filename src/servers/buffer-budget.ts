// One budget for the bytes a server holds for all its connections (partial frames and unsent replies).
// Over budget, a connection holding more than its small allowance stops being read (backpressure) and
// waits its turn, oldest first, to be read again once the total is back under the budget; one that
// never gets to finish its frame meets the frame deadline and is closed (refusal, last).

import { totalmem } from "node:os";

/** Each connection may always hold this much, so that small requests keep flowing under any attack. */
export const BUFFER_ALLOWANCE_BYTES = 64 * 1024;

/** A quarter of the memory the process may use (its cgroup's limit, or the machine's). */
export function defaultMaxBufferedBytes(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const available = constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
  return Math.floor(available / 4);
}

/** A connection's share of the budget. */
export class BufferHolder {
  heldBytes = 0;
  /** Set while the holder waits for the budget; cleared when it may be read again. */
  waiting = false;

  constructor(
    private readonly budget: BufferBudget,
    /** Reads the connection again once the budget has room. */
    readonly resume: () => void,
  ) {}

  /** Reports what the connection holds now; returns true when it must stop being read until resumed. */
  hold(bytes: number): boolean {
    return this.budget.update(this, bytes);
  }

  release(): void {
    this.budget.update(this, 0);
    this.budget.dequeue(this);
  }
}

export class BufferBudget {
  totalBytes = 0;
  private readonly queue = new Set<BufferHolder>();

  constructor(readonly maxBytes: number) {}

  holder(resume: () => void): BufferHolder {
    return new BufferHolder(this, resume);
  }

  /** Internal to BufferHolder. */
  update(holder: BufferHolder, bytes: number): boolean {
    this.totalBytes += bytes - holder.heldBytes;
    const shrank = bytes < holder.heldBytes;
    holder.heldBytes = bytes;
    if (shrank) this.resumeWaiting();
    if (holder.waiting || this.totalBytes <= this.maxBytes || bytes <= BUFFER_ALLOWANCE_BYTES) {
      return holder.waiting;
    }
    holder.waiting = true;
    this.queue.add(holder);
    return true;
  }

  dequeue(holder: BufferHolder): void {
    holder.waiting = false;
    this.queue.delete(holder);
  }

  private resumeWaiting(): void {
    for (const holder of this.queue) {
      if (this.totalBytes > this.maxBytes) return;
      this.dequeue(holder);
      holder.resume();
    }
  }
}
