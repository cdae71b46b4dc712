// Server log lines, at most one per reason per second: a flood of refused, reset or timed-out peers
// becomes one line a second with its count and the last peer, instead of a line per connection.

const DEFAULT_INTERVAL_MS = 1000;

interface Held {
  count: number;
  lastLine: string;
}

export class RateLimitedLog {
  private readonly writtenAtMs = new Map<string, number>();
  private readonly held = new Map<string, Held>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  /** Logs `line` now, or counts it under `reason` when a line of that reason went out less than a second ago. */
  note(reason: string, line: string): void {
    const nowMs = Date.now();
    const writtenAtMs = this.writtenAtMs.get(reason);
    if (writtenAtMs === undefined || nowMs - writtenAtMs >= this.intervalMs) {
      this.flushReason(reason);
      this.writtenAtMs.set(reason, nowMs);
      this.write(line);
      return;
    }
    const held = this.held.get(reason);
    if (held) {
      held.count++;
      held.lastLine = line;
    } else {
      this.held.set(reason, { count: 1, lastLine: line });
    }
    // One timer for every held reason; unref'd so that a log never keeps a process alive.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs).unref();
  }

  /** Writes the counts held back so far (a closing server calls it last). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const reason of [...this.held.keys()]) this.flushReason(reason);
  }

  private flushReason(reason: string): void {
    const held = this.held.get(reason);
    if (!held) return;
    this.held.delete(reason);
    this.writtenAtMs.set(reason, Date.now());
    const more = held.count === 1 ? "1 more" : `${held.count} more`;
    this.write(`${held.lastLine} [${reason}: ${more} within ${this.intervalMs} ms, this the last]`);
  }
}
