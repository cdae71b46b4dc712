// The fast path of --verify echo over TCP: an echo server's replies are the requests' frames, byte for
// byte, so the bytes read must equal the bytes written, in order. While they do, each read is compared
// (memcmp) with what was written at the same place of the stream, and every frame it completes counts as
// verified, without cutting, copying or comparing frames one by one. The first byte that differs ends the
// fast path for the connection: the bytes of the frame being received go to the framing's decoder, and from
// there on the decoder and the ReplyVerifier judge each reply and name what went wrong. Equal streams mean
// equal frames (the decoder would cut both alike), so nothing passes here that the slow path would fail.

export class EchoStreamCheck {
  /** Buffers written (or queued) in order, from the one holding the first unverified frame's start. */
  private segments: Buffer[] = [];
  /** Stream offset of segments[0]'s first byte. */
  private segmentsStart = 0;
  /** Index in `segments` of the buffer the next read is compared with, and the offset in it. */
  private cursor = 0;
  private cursorOffset = 0;
  /** Bytes written, bytes read and matched, and the end of the last verified frame: stream offsets. */
  private writtenBytes = 0;
  private matchedBytes = 0;
  private verifiedBytes = 0;
  /** Stream offset where each unverified frame ends, oldest first (a ring: head index and count). */
  private frameEnds = new Float64Array(16);
  private frameHead = 0;
  private frameCount = 0;
  private failed = false;

  /** False once a read differed: the connection's replies then go through the decoder. */
  get isActive(): boolean {
    return !this.failed;
  }

  /** Bytes of a frame read (and matched) but not yet complete: a server closing now closed mid-frame. */
  get partialBytes(): number {
    return this.failed ? 0 : this.matchedBytes - this.verifiedBytes;
  }

  /** A frame of `byteCount` bytes was issued; its buffers follow through addWritten, in the same order. */
  addFrame(byteCount: number): void {
    if (this.failed) return;
    if (this.frameCount === this.frameEnds.length) this.growFrameEnds();
    this.writtenBytes += byteCount;
    this.frameEnds[(this.frameHead + this.frameCount) & (this.frameEnds.length - 1)] = this.writtenBytes;
    this.frameCount++;
  }

  /** The buffers that carry the frames issued so far, as they go to the socket. */
  addWritten(buffers: readonly Buffer[]): void {
    if (this.failed) return;
    for (const buffer of buffers) if (buffer.length > 0) this.segments.push(buffer);
  }

  /**
   * Compares one read with the bytes written at its place; returns how many frames it completed, or -1
   * when it differs (or holds more than was written): then call handOver().
   */
  match(chunk: Buffer): number {
    let offset = 0;
    let cursor = this.cursor;
    let cursorOffset = this.cursorOffset;
    while (offset < chunk.length) {
      const segment = this.segments[cursor];
      if (segment === undefined) return -1;
      const length = Math.min(segment.length - cursorOffset, chunk.length - offset);
      if (chunk.compare(segment, cursorOffset, cursorOffset + length, offset, offset + length) !== 0)
        return -1;
      offset += length;
      cursorOffset += length;
      if (cursorOffset === segment.length) {
        cursor++;
        cursorOffset = 0;
      }
    }
    this.cursor = cursor;
    this.cursorOffset = cursorOffset;
    this.matchedBytes += chunk.length;
    let completed = 0;
    const mask = this.frameEnds.length - 1;
    while (this.frameCount > 0 && (this.frameEnds[this.frameHead] as number) <= this.matchedBytes) {
      this.verifiedBytes = this.frameEnds[this.frameHead] as number;
      this.frameHead = (this.frameHead + 1) & mask;
      this.frameCount--;
      completed++;
    }
    if (completed > 0) this.dropVerifiedSegments();
    return completed;
  }

  /**
   * Ends the fast path after a read that differed: returns the bytes read earlier of the frame now being
   * received (equal to those written, so taken from them), for the decoder to start from.
   */
  handOver(): Buffer {
    const partial = this.partialFrame();
    this.failed = true;
    this.forget();
    return partial;
  }

  /** A copy of the bytes read of the frame now being received (equal to those written, so taken from them). */
  partialFrame(): Buffer {
    if (this.failed) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    let position = this.segmentsStart;
    for (const segment of this.segments) {
      const from = Math.max(this.verifiedBytes, position) - position;
      const to = Math.min(this.matchedBytes, position + segment.length) - position;
      if (to > from) parts.push(segment.subarray(from, to));
      position += segment.length;
      if (position >= this.matchedBytes) break;
    }
    return Buffer.concat(parts);
  }

  /** The connection was dropped: a new one starts on the fast path with an empty stream. */
  reset(): void {
    this.failed = false;
    this.forget();
    this.writtenBytes = 0;
    this.matchedBytes = 0;
    this.verifiedBytes = 0;
  }

  private forget(): void {
    this.segments = [];
    this.segmentsStart = 0;
    this.cursor = 0;
    this.cursorOffset = 0;
    this.frameHead = 0;
    this.frameCount = 0;
  }

  /** Drops the written buffers that lie wholly before the first unverified frame. */
  private dropVerifiedSegments(): void {
    let drop = 0;
    let start = this.segmentsStart;
    while (drop < this.cursor) {
      const length = (this.segments[drop] as Buffer).length;
      if (start + length > this.verifiedBytes) break;
      start += length;
      drop++;
    }
    if (drop === 0) return;
    this.segments.splice(0, drop);
    this.segmentsStart = start;
    this.cursor -= drop;
  }

  private growFrameEnds(): void {
    const grown = new Float64Array(this.frameEnds.length * 2);
    for (let index = 0; index < this.frameCount; index++) {
      grown[index] = this.frameEnds[(this.frameHead + index) & (this.frameEnds.length - 1)] as number;
    }
    this.frameEnds = grown;
    this.frameHead = 0;
  }
}
