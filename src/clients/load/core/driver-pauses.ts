// The time the driver's own thread did not run: a ticking timer that comes late by more than a tick
// was held up by this process (descheduled on a busy machine, a long GC), not by the server. Timeouts
// do not count that time, so a server is never blamed for replies that sat unread. Pure: the caller
// reads the clock.

interface Pause {
  endUs: number;
  lengthUs: number;
}

export class DriverPauses {
  private readonly pauses: Pause[] = [];
  private lastTickUs: number;
  private longestUs = 0;

  /** `intervalUs`: how often tick() is meant to be called; `startUs`: when the ticks start. */
  constructor(
    private readonly intervalUs: number,
    startUs: number,
  ) {
    this.lastTickUs = startUs;
  }

  /** Called by the ticking timer: a tick later than twice its interval records the lateness as a pause. */
  tick(nowUs: number): void {
    const lateUs = nowUs - this.lastTickUs - this.intervalUs;
    this.lastTickUs = nowUs;
    if (lateUs <= this.intervalUs) return;
    this.pauses.push({ endUs: nowUs, lengthUs: lateUs });
    this.longestUs = Math.max(this.longestUs, lateUs);
  }

  /**
   * `timeoutUs` lengthened by the pauses that ended within it (counted back from `nowUs`, each pause
   * widening the window by its own length): a request waited a timeout of the driver's running time.
   * Pauses older than any window are forgotten.
   */
  extendedTimeoutUs(nowUs: number, timeoutUs: number): number {
    let extendedUs = timeoutUs;
    let kept = 0;
    for (let index = this.pauses.length - 1; index >= 0; index--) {
      const pause = this.pauses[index] as Pause;
      if (pause.endUs <= nowUs - extendedUs) break;
      extendedUs += pause.lengthUs;
      kept++;
    }
    this.pauses.splice(0, this.pauses.length - kept);
    return extendedUs;
  }

  /** The longest pause seen, in µs (0 when none). */
  get longestPauseUs(): number {
    return this.longestUs;
  }
}
