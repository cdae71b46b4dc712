// Buffers of verified echo requests, kept for the connection's next requests of the same size. A fresh
// 64 KiB payload per request outlives a scavenge, and the old generation then needs a mark-compact to
// free it, often enough to be a large share of the driver's time (docs/design.md has the profile).

export class PayloadPool {
  private readonly spare: Buffer[] = [];
  /** Where give() puts a buffer once the pool is full (sizes mixed: the oldest kept go first). */
  private nextSlot = 0;

  /** `capacity`: buffers kept at most (a connection's pipelining is all it reuses at once). */
  constructor(private readonly capacity: number) {}

  /** A kept buffer of exactly `sizeBytes`, or undefined. */
  take(sizeBytes: number): Buffer | undefined {
    const spare = this.spare;
    for (let index = spare.length - 1; index >= 0; index--) {
      const buffer = spare[index] as Buffer;
      if (buffer.length !== sizeBytes) continue;
      spare[index] = spare[spare.length - 1] as Buffer;
      spare.pop();
      return buffer;
    }
    return undefined;
  }

  /** Keeps `buffer` for reuse: the caller guarantees nothing else refers to it any more. */
  give(buffer: Buffer): void {
    if (this.spare.length < this.capacity) {
      this.spare.push(buffer);
      return;
    }
    this.spare[this.nextSlot] = buffer;
    this.nextSlot = (this.nextSlot + 1) % this.capacity;
  }

  clear(): void {
    this.spare.length = 0;
  }
}
