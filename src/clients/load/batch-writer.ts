// The one write path of the load driver: the frames a connection issued in one tick leave in one
// write (small batches are joined, large ones corked), never one write per message. A fragmenting
// option would cut the bytes here.

import type { Socket } from "node:net";

/** Batches up to this many bytes are copied into one buffer; larger ones are written corked, uncopied. */
const JOIN_LIMIT_BYTES = 64 * 1024;

export class BatchWriter {
  private readonly parts: Buffer[] = [];
  private byteCount = 0;
  /** Whether every part so far is the same buffer (one constant frame, as with --verify none). */
  private allSame = true;
  /** A constant frame repeated back to back: a batch of it is written as a view, not joined anew. */
  private repeated: Buffer | undefined;
  private repeatedOf: Buffer | undefined;

  get isEmpty(): boolean {
    return this.parts.length === 0;
  }

  add(frame: readonly Buffer[]): void {
    for (let index = 0; index < frame.length; index++) {
      const part = frame[index] as Buffer;
      if (this.parts.length > 0 && part !== this.parts[0]) this.allSame = false;
      this.parts.push(part);
      this.byteCount += part.length;
    }
  }

  discard(): void {
    this.parts.length = 0;
    this.byteCount = 0;
    this.allSame = true;
  }

  flush(socket: Socket): void {
    const parts = this.parts;
    if (parts.length === 1) {
      socket.write(parts[0] as Buffer);
    } else if (this.byteCount <= JOIN_LIMIT_BYTES) {
      socket.write(
        this.allSame ? this.repeat(parts[0] as Buffer, parts.length) : Buffer.concat(parts, this.byteCount),
      );
    } else {
      socket.cork();
      for (const part of parts) socket.write(part);
      socket.uncork();
    }
    this.discard();
  }

  private repeat(frame: Buffer, count: number): Buffer {
    const byteCount = frame.length * count;
    if (this.repeatedOf !== frame || (this.repeated as Buffer).length < byteCount) {
      this.repeated = Buffer.concat(new Array<Buffer>(count).fill(frame));
      this.repeatedOf = frame;
    }
    return (this.repeated as Buffer).subarray(0, byteCount);
  }
}
