// Line framing: a message is a line, the payload then LF (`--line-ending lf`, default) or CR LF (`crlf`),
// at most --max-frame bytes before its ending. Not binary-safe: a payload cannot hold LF. Unlike
// `eof --token '\n'`, crlf lines are strict (a LF without its CR is a protocol error) and a CR inside a
// payload is carried; generated payloads still leave CR out, for servers that strip every CR.

import type { FrameCollector } from "./frame-collector.js";
import { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition, FramingOptionDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";
import { oneOf } from "./option-choice.js";

const LF = 0x0a;
const CR = 0x0d;

export type LineEnding = "lf" | "crlf";
const LINE_ENDINGS: readonly LineEnding[] = ["lf", "crlf"];
const DEFAULT_LINE_ENDING: LineEnding = "lf";

const ENDING_BYTES: Record<LineEnding, Buffer> = {
  lf: Buffer.from([LF]),
  crlf: Buffer.from([CR, LF]),
};

function loneLfError(position: number): FramingError {
  return new FramingError(
    "malformed-frame",
    `LF at byte ${position} of a line without the CR before it (--line-ending crlf)`,
  );
}

export class LineDecoder extends FrameDecoder {
  /** Bytes of the backlog already searched without finding LF; the next search starts there. */
  private searchedBytes = 0;
  /** The bytes of the ending before its LF: 1 (CR) under crlf, else 0. */
  private readonly crBytes: number;
  /** The furthest a line's LF may lie from its start: the max frame, plus the CR under crlf. */
  private readonly maxLfOffset: number;

  constructor(
    ending: LineEnding,
    private readonly maxFrameBytes: number,
    framePool?: FramePool,
  ) {
    super(framePool);
    this.crBytes = ending === "crlf" ? 1 : 0;
    this.maxLfOffset = maxFrameBytes + this.crBytes;
  }

  protected override cutsInBulk(): boolean {
    return this.searchedBytes === 0;
  }

  /** Cuts every line that ends inside `source`; an over-long or malformed one is left to decodeNext. */
  protected override cutFrames(source: Buffer, frames: FrameCollector): number {
    let start = 0;
    for (;;) {
      // A one-byte search: node runs it as memchr.
      const lf = source.indexOf(LF, start);
      if (lf === -1) break;
      if (lf - start > this.maxLfOffset) return start;
      const end = lf - this.crBytes;
      if (end < start || (this.crBytes === 1 && source[end] !== CR)) return start;
      frames.add(source, start, end);
      start = lf + 1;
    }
    // No LF in the rest: decodeNext's search resumes past it.
    this.searchedBytes = source.length - start;
    return start;
  }

  protected decodeNext(): Buffer | undefined {
    const lf = this.queue.indexOf(ENDING_BYTES.lf, this.searchedBytes);
    if (lf === -1) {
      this.searchedBytes = this.queue.length;
      if (this.searchedBytes > this.maxLfOffset) {
        throw new FramingError(
          "frame-too-large",
          `no line ending within max frame ${this.maxFrameBytes} (${this.queue.length} bytes buffered)`,
        );
      }
      return undefined;
    }
    if (lf > this.maxLfOffset) {
      throw new FramingError(
        "frame-too-large",
        `line of ${lf - this.crBytes} bytes exceeds max frame ${this.maxFrameBytes}`,
      );
    }
    if (this.crBytes === 1 && (lf === 0 || this.queue.byteAt(lf - 1) !== CR)) throw loneLfError(lf);
    this.searchedBytes = 0;
    const payload = this.queue.take(lf - this.crBytes);
    this.queue.skip(this.crBytes + 1);
    return payload;
  }
}

export class LineFraming implements Framing {
  readonly name = "line";
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  /** LF ends a line; CR too under crlf, so that servers that strip every CR still echo payloads intact. */
  readonly payloadAvoidsBytes: readonly number[];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;
  private readonly endingBytes: Buffer;

  constructor(
    readonly ending: LineEnding,
    readonly maxFrameBytes: number,
  ) {
    this.endingBytes = ENDING_BYTES[ending];
    this.spec = {
      name: "line",
      maxFrameBytes,
      ...(ending !== DEFAULT_LINE_ENDING ? { lineEnding: ending } : {}),
    };
    this.payloadAvoidsBytes = ending === "crlf" ? [LF, CR] : [LF];
    this.largestPayloadBytes = maxFrameBytes;
    this.largestPayloadWords = `the max frame of ${maxFrameBytes} bytes (--max-frame)`;
  }

  createDecoder(framePool?: FramePool): LineDecoder {
    return new LineDecoder(this.ending, this.maxFrameBytes, framePool);
  }

  encode(payload: Buffer): Buffer[] {
    checkEncodable(payload);
    return [payload, this.endingBytes];
  }

  frameBytes(payloadBytes: number): number {
    return payloadBytes + this.endingBytes.length;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    checkEncodable(payload);
    const endingOffset = offset + payload.copy(target, offset);
    return endingOffset + this.endingBytes.copy(target, endingOffset);
  }

  /**
   * A line past the max frame with no ending (one byte more than a max-frame line and its ending's CR
   * could be): the server must give up waiting for one.
   */
  overLimitSample(): Buffer {
    return Buffer.alloc(this.maxFrameBytes + this.endingBytes.length, 0x61);
  }
}

/** A LF inside a payload would end its line early; a CR is carried (only the one before LF is the ending's). */
function checkEncodable(payload: Buffer): void {
  const position = payload.indexOf(LF);
  if (position !== -1) {
    throw new FramingError(
      "token-in-payload",
      `payload contains LF at byte ${position}; line framing cannot carry it (use length or varint framing for binary data)`,
    );
  }
}

/** `--line-ending`: what ends a line. */
const LINE_ENDING_OPTION: FramingOptionDefinition = {
  key: "lineEnding",
  flag: "--line-ending <ending>",
  description: "line: what ends a message: lf or crlf",
  defaultText: DEFAULT_LINE_ENDING,
  parseText: (text) => oneOf("--line-ending", LINE_ENDINGS, text.trim()),
};

export const LINE_FRAMING: FramingDefinition = {
  name: "line",
  summary: "the payload, then LF (or CR LF with --line-ending crlf)",
  // Its cost is its codec's: bench runs it on the concurrent variant alone.
  benchVariants: "concurrent",
  options: [LINE_ENDING_OPTION],
  create: (options) =>
    new LineFraming(
      options.lineEnding === undefined
        ? DEFAULT_LINE_ENDING
        : oneOf("--line-ending", LINE_ENDINGS, options.lineEnding),
      options.maxFrameBytes,
    ),
  cliWords: (spec) =>
    spec.lineEnding === undefined || spec.lineEnding === DEFAULT_LINE_ENDING
      ? []
      : ["--line-ending", String(spec.lineEnding)],
};
