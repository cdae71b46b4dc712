// One budget for the bytes a server holds for all its connections (partial frames and unsent replies).
// Over budget, a connection holding more than its small allowance stops being read (backpressure) and
// waits its turn, oldest first, to be read again once the total is back under the budget, except the
// last large holder still read, so that some frame always completes; one that never gets to finish its
// frame meets the frame deadline and is closed (refusal, last).

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
  /** Holders above their allowance that are still read. */
  private readonly largeReading = new Set<BufferHolder>();

  constructor(readonly maxBytes: number) {}

  holder(resume: () => void): BufferHolder {
    return new BufferHolder(this, resume);
  }

  /** Internal to BufferHolder. */
  update(holder: BufferHolder, bytes: number): boolean {
    this.totalBytes += bytes - holder.heldBytes;
    const shrank = bytes < holder.heldBytes;
    holder.heldBytes = bytes;
    this.noteReading(holder);
    if (shrank) this.resumeWaiting();
    if (holder.waiting || this.totalBytes <= this.maxBytes || bytes <= BUFFER_ALLOWANCE_BYTES) {
      return holder.waiting;
    }
    // The last large holder still read goes on: memory comes back only when some frame completes (or its
    // peer leaves, which a connection that is not read never notices). The budget may then be exceeded
    // by one frame, which is why it must be at least --max-frame.
    if (this.largeReading.size === 1) return false;
    holder.waiting = true;
    this.largeReading.delete(holder);
    this.queue.add(holder);
    return true;
  }

  dequeue(holder: BufferHolder): void {
    holder.waiting = false;
    this.queue.delete(holder);
    this.noteReading(holder);
  }

  /** Keeps `largeReading` true to the holder: above its allowance and not waiting. */
  private noteReading(holder: BufferHolder): void {
    if (holder.heldBytes > BUFFER_ALLOWANCE_BYTES && !holder.waiting) this.largeReading.add(holder);
    else this.largeReading.delete(holder);
  }

  private resumeWaiting(): void {
    for (const holder of this.queue) {
      // Over budget, one waiting holder is still resumed when no large holder is read any more.
      if (this.totalBytes > this.maxBytes && this.largeReading.size > 0) return;
      this.dequeue(holder);
      holder.resume();
    }
  }
}
