// Paces connection attempts to at most `perSecond`, evenly: ten thousand at once would overflow the
// server's listen backlog (SYNs dropped, retried a second later), which the run would count as slow connects.

export class ConnectPacer {
  private waiting: (() => void)[] = [];
  /** The first of `waiting` not yet let go (an index: shift() would copy ten thousand entries each time). */
  private head = 0;
  private readonly intervalMs: number;
  /** When the next attempt may go. */
  private nextMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(perSecond: number) {
    this.intervalMs = 1000 / perSecond;
  }

  /** Resolves when the caller may start its connection attempt. */
  turn(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.timer !== undefined) return;
      // An idle pacer starts afresh: no credit is saved up for a burst.
      this.nextMs = Math.max(this.nextMs, performance.now());
      this.release();
    });
  }

  /** Lets every waiting attempt go at once (the run is over: they fail fast). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting.slice(this.head);
    this.waiting = [];
    this.head = 0;
    for (const resolve of waiting) resolve();
  }

  private release(): void {
    this.timer = undefined;
    const now = performance.now();
    // Timers fire a millisecond apart at best (and late): at high rates several attempts go on one tick.
    while (this.head < this.waiting.length && this.nextMs <= now) {
      this.nextMs += this.intervalMs;
      this.waiting[this.head++]?.();
    }
    if (this.head === this.waiting.length) {
      this.waiting = [];
      this.head = 0;
    } else {
      this.timer = setTimeout(() => this.release(), Math.max(1, this.nextMs - now));
    }
  }
}
