// Where a decoder hands its frames: a frame is bytes start..end of a source Buffer, so that a consumer
// that only counts frames (or reads a few bytes) never pays for a Buffer per frame.

import { bufferView } from "./buffer-view.js";

export interface FrameSink {
  /** One whole frame: bytes `start` to `end` of `source`. The source's bytes stay as they are: views may be kept. */
  onFrame(source: Buffer, start: number, end: number): void;
}

/** Collects each frame as a Buffer (a view, or the source itself when it is exactly the frame). */
export class FrameCollector implements FrameSink {
  frames: Buffer[] = [];

  onFrame(source: Buffer, start: number, end: number): void {
    this.frames.push(start === 0 && end === source.length ? source : bufferView(source, start, end));
  }
}
