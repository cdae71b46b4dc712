// Where a decoder hands its frames: a frame is bytes start..end of a source Buffer, so that a consumer
// that only counts frames (or reads a few bytes) never pays for a Buffer per frame.

import { arrayBufferView } from "./buffer-view.js";

export interface FrameSink {
  /** One whole frame: bytes `start` to `end` of `source`. The source's bytes stay as they are: views may be kept. */
  onFrame(source: Buffer, start: number, end: number): void;
}

/** Collects each frame as a Buffer, a view of its source. */
export class FrameCollector implements FrameSink {
  readonly frames: Buffer[] = [];
  // Reading a Buffer's .buffer and .byteOffset costs as much as making a view (~20 ns on Node 20, measured
  // on bench/codecs.ts's small frames): they are read once per source, not once per frame.
  private source: Buffer | undefined;
  private arrayBuffer: ArrayBufferLike = new ArrayBuffer(0);
  private byteOffset = 0;

  onFrame(source: Buffer, start: number, end: number): void {
    if (source !== this.source) {
      this.source = source;
      this.arrayBuffer = source.buffer;
      this.byteOffset = source.byteOffset;
    }
    this.frames.push(arrayBufferView(this.arrayBuffer, this.byteOffset + start, end - start));
  }
}
