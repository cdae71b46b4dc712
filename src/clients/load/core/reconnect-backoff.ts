// How long a lane waits before it reconnects: at once after a first drop, then doubling from BASE up to
// CAP while drops follow each other with no reply verified between them, each wait jittered (a random
// share between half and all of it) so that lanes dropped together do not come back together. A server
// that closes every connection is then tried a few times a second per lane, not hammered.

const BASE_DELAY_MS = 25;
const CAP_DELAY_MS = 1000;

export class ReconnectBackoff {
  private failures = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** The wait before the next attempt, after one more drop or failed connect. */
  nextDelayMs(): number {
    this.failures++;
    if (this.failures === 1) return 0;
    const ceiling = Math.min(CAP_DELAY_MS, BASE_DELAY_MS * 2 ** (this.failures - 2));
    return Math.round(ceiling * (0.5 + this.random() / 2));
  }

  /** A reply came: the connection works again. */
  succeeded(): void {
    this.failures = 0;
  }
}
