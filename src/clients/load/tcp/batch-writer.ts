// The one write path of the load driver: the frames a connection issued in one tick leave in one
// write (small batches are joined, large ones corked), never one write per message. With --split each
// frame is cut here into pieces that leave one by one, in order, a timer turn apart.

import type { Socket } from "node:net";
import { JOIN_LIMIT_BYTES, joinedForWrite } from "../../../framing/write-batch.js";

export class BatchWriter {
  private parts: Buffer[] = [];
  /** Split mode: where each frame added since the last flush ends, as an index into `parts`. */
  private readonly frameEnds: number[] = [];
  /** Split mode: pieces waiting for their turn, oldest first, and the socket they go to. */
  private readonly pendingPieces: Buffer[] = [];
  private pendingSocket: Socket | undefined;
  private pieceTimer: NodeJS.Timeout | undefined;
  private writing = false;
  private byteCount = 0;
  /** Whether every part so far is the same buffer (one constant frame, as with --verify none). */
  private allSame = true;
  /** A constant frame repeated back to back: a batch of it is written as a view, not joined anew. */
  private repeated: Buffer | undefined;
  private repeatedOf: Buffer | undefined;

  /** `splitPieces` 1 writes whole batches; more cuts each frame into that many nearly equal pieces. */
  constructor(private readonly splitPieces = 1) {}

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
    if (this.splitPieces > 1) this.frameEnds.push(this.parts.length);
  }

  /** Forgets what was added and every piece not yet written (the connection is being dropped). */
  discard(): void {
    this.parts.length = 0;
    this.frameEnds.length = 0;
    this.byteCount = 0;
    this.allSame = true;
    this.pendingPieces.length = 0;
    this.pendingSocket = undefined;
    clearTimeout(this.pieceTimer);
    this.pieceTimer = undefined;
    this.writing = false;
  }

  /** Writes (or, split, queues) what was added; returns the buffers that carry it, in order. */
  flush(socket: Socket): readonly Buffer[] {
    if (this.splitPieces > 1) return this.queuePieces(socket);
    const parts = this.parts;
    this.parts = [];
    const joined =
      this.allSame && parts.length > 1 && this.byteCount <= JOIN_LIMIT_BYTES
        ? this.repeat(parts[0] as Buffer, parts.length)
        : joinedForWrite(parts, this.byteCount);
    this.discard();
    if (joined !== undefined) {
      socket.write(joined);
      return [joined];
    }
    socket.cork();
    for (const part of parts) socket.write(part);
    socket.uncork();
    return parts;
  }

  private queuePieces(socket: Socket): Buffer[] {
    let start = 0;
    const frames: Buffer[] = [];
    for (const end of this.frameEnds) {
      const frame =
        end - start === 1 ? (this.parts[start] as Buffer) : Buffer.concat(this.parts.slice(start, end));
      frames.push(frame);
      start = end;
      for (let piece = 0; piece < this.splitPieces; piece++) {
        const from = Math.floor((piece * frame.length) / this.splitPieces);
        const to = Math.floor(((piece + 1) * frame.length) / this.splitPieces);
        // A frame shorter than the piece count has empty pieces: nothing to write for them.
        if (to > from) this.pendingPieces.push(frame.subarray(from, to));
      }
    }
    this.parts.length = 0;
    this.frameEnds.length = 0;
    this.byteCount = 0;
    this.allSame = true;
    this.pendingSocket = socket;
    if (!this.writing && this.pieceTimer === undefined) this.writeNextPiece();
    return frames;
  }

  /**
   * Writes one piece; the next waits for this one's write callback (it has left for the kernel) and then
   * a timer turn, so that a peer, even one in this process, reads it before the next piece arrives.
   */
  private writeNextPiece(): void {
    this.pieceTimer = undefined;
    const socket = this.pendingSocket;
    const piece = this.pendingPieces.shift();
    if (socket === undefined || piece === undefined || socket.destroyed) return;
    this.writing = true;
    socket.write(piece, (error) => {
      if (socket !== this.pendingSocket) return;
      this.writing = false;
      if (error || this.pendingPieces.length === 0) return;
      this.pieceTimer = setTimeout(() => this.writeNextPiece(), 0);
    });
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
