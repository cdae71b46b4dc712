// Deadlines for frames in progress, in the manner of Node's headersTimeout/requestTimeout and Apache's
// mod_reqtimeout MinRate: once a frame's first byte is in, the whole frame must arrive within
// frameTimeoutMs, and while it arrives the peer must keep up minReceiveBytesPerS over each window.
// One sweep a second checks every connection, so the hot path only writes two fields.

/** The receive rate is judged over windows this long, so that one slow TCP segment is not punished. */
export const RECEIVE_RATE_WINDOW_MS = 5000;

const SWEEP_INTERVAL_MS = 1000;

export interface FrameLimits {
  /** A frame started must be complete this long after its first byte; 0: no deadline. */
  frameTimeoutMs: number;
  /** While a frame is in progress, bytes per second the peer must send; 0: no minimum. */
  minReceiveBytesPerS: number;
}

/** One connection's frame clock; the connection reports bytes and whether a frame is in progress. */
export class FrameClock {
  /** When the frame in progress began (the sweep's clock), or undefined between frames. */
  frameStartedAtMs: number | undefined;
  windowStartedAtMs = 0;
  windowBytes = 0;
  /** The server itself stopped reading (backpressure): the peer's rate is not judged meanwhile. */
  suspended = false;

  constructor(
    private readonly watch: FrameWatch,
    /** Closes the connection: `reason` is a short key for the log's counts, `detail` says what happened. */
    readonly expire: (reason: string, detail: string) => void,
  ) {}

  /** After each chunk: `bytes` received, and whether a frame is now left incomplete. */
  received(bytes: number, frameInProgress: boolean): void {
    if (!frameInProgress) {
      this.frameStartedAtMs = undefined;
      return;
    }
    if (this.frameStartedAtMs === undefined) {
      this.frameStartedAtMs = this.watch.nowMs;
      this.restartWindow();
    } else {
      this.windowBytes += bytes;
    }
  }

  /** Reading stops (true) or starts again (false) by the server's choice. */
  suspend(suspended: boolean): void {
    this.suspended = suspended;
    if (!suspended) this.restartWindow();
  }

  restartWindow(): void {
    this.windowStartedAtMs = this.watch.nowMs;
    this.windowBytes = 0;
  }

  stop(): void {
    this.watch.forget(this);
  }
}

export class FrameWatch {
  /** The sweep's clock: frames are timed to within a sweep, without a clock read per chunk. */
  nowMs = Date.now();
  private readonly clocks = new Set<FrameClock>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: FrameLimits) {
    if (limits.frameTimeoutMs > 0 || limits.minReceiveBytesPerS > 0) {
      this.timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
    }
  }

  track(expire: (reason: string, detail: string) => void): FrameClock {
    const clock = new FrameClock(this, expire);
    this.clocks.add(clock);
    return clock;
  }

  forget(clock: FrameClock): void {
    this.clocks.delete(clock);
  }

  close(): void {
    clearInterval(this.timer);
    this.clocks.clear();
  }

  private sweep(): void {
    this.nowMs = Date.now();
    const { frameTimeoutMs, minReceiveBytesPerS } = this.limits;
    for (const clock of this.clocks) {
      if (clock.frameStartedAtMs === undefined) continue;
      const frameAgeMs = this.nowMs - clock.frameStartedAtMs;
      if (frameTimeoutMs > 0 && frameAgeMs > frameTimeoutMs) {
        clock.expire(
          "frame-timeout",
          `frame not complete ${frameTimeoutMs} ms after its first byte (--frame-timeout)`,
        );
        continue;
      }
      const windowMs = this.nowMs - clock.windowStartedAtMs;
      if (minReceiveBytesPerS === 0 || clock.suspended || windowMs < RECEIVE_RATE_WINDOW_MS) continue;
      const bytesPerS = (clock.windowBytes * 1000) / windowMs;
      if (bytesPerS < minReceiveBytesPerS) {
        clock.expire(
          "min-receive-rate",
          `sent ${clock.windowBytes} bytes in ${windowMs} ms mid-frame, below --min-receive-rate ${minReceiveBytesPerS} bytes/s`,
        );
      } else {
        clock.restartWindow();
      }
    }
  }
}
