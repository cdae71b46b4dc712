// Gathers the frames a decoder cuts, given as bytes start..end of a source Buffer, into the Buffers
// that push() returns, at the least cost per frame.

import { arrayBufferView } from "./buffer-view.js";

/** The collector's ArrayBuffer before its first source: shared, as allocating one costs more than a frame. */
const NO_BYTES = new ArrayBuffer(0);

/** Collects each frame as a Buffer: the source itself when it is exactly the frame, else a view of it. */
export class FrameCollector {
  readonly frames: Buffer[] = [];
  // Reading a Buffer's .buffer and .byteOffset costs as much as making a view (~20 ns on Node 20, measured
  // on bench/codecs.ts's small frames): they are read once per source, not once per frame.
  private source: Buffer | undefined;
  private arrayBuffer: ArrayBufferLike = NO_BYTES;
  private byteOffset = 0;

  /** Adds bytes `start` to `end` of `source` as the next frame; the source's bytes must stay as they are. */
  add(source: Buffer, start: number, end: number): void {
    // A frame decodeNext cut (one Buffer already) is handed over as it is.
    if (start === 0 && end === source.length) {
      this.frames.push(source);
      return;
    }
    if (source !== this.source) {
      this.source = source;
      this.arrayBuffer = source.buffer;
      this.byteOffset = source.byteOffset;
    }
    this.frames.push(arrayBufferView(this.arrayBuffer, this.byteOffset + start, end - start));
  }
}
