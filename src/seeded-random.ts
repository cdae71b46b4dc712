// The one source of randomness of the proxy, the load driver and the stress attacks: a tiny seedable PRNG (mulberry32), so a
// run that found a failure can be repeated with the same `--seed`. Not for cryptography.

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform whole number in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** A uniform whole number in [minimum, maximum], both included. */
  nextIntInclusive(minimum: number, maximum: number): number {
    return minimum + Math.floor(this.nextFloat() * (maximum - minimum + 1));
  }

  /** A uniform number in [minimum, maximum). */
  nextInRange(minimum: number, maximum: number): number {
    return minimum + this.nextFloat() * (maximum - minimum);
  }

  /** An independent generator for a sub-task (a connection, a direction), repeatable from this one. */
  fork(): SeededRandom {
    return new SeededRandom(this.nextUint32());
  }
}
