// Fixed-size record framing: every message is exactly `recordSize` bytes, the payload padded with NULs.
// Not binary-safe: trailing NULs are padding, so the receiver strips them.

import { bufferView } from "./buffer-view.js";
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition, FramingOptionDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";

export const DEFAULT_RECORD_SIZE = 1024;

/** The payload without its trailing NUL padding; the record itself when unpadded, else a view, no copy. */
function stripPadding(record: Buffer): Buffer {
  let end = record.length;
  while (end > 0 && record[end - 1] === 0) end--;
  return end === record.length ? record : bufferView(record, 0, end);
}

export class FixedRecordDecoder extends FrameDecoder {
  constructor(
    private readonly recordSize: number,
    framePool?: FramePool,
  ) {
    super(framePool);
  }

  protected decodeNext(): Buffer | undefined {
    if (this.queue.length < this.recordSize) return undefined;
    return stripPadding(this.queue.take(this.recordSize));
  }
}

export class FixedRecordFraming implements Framing {
  readonly name = "fixed";
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  /** A payload ending in NUL would lose it with the padding. */
  readonly payloadAvoidsBytes: readonly number[] = [0];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;
  /** Shared padding source: padding is written as a view of it, never allocated per message. */
  private readonly zeros: Buffer;

  constructor(readonly recordSize: number) {
    if (!Number.isInteger(recordSize) || recordSize < 1) {
      throw new FramingError(
        "invalid-option",
        `record size must be a whole number of bytes >= 1, got ${recordSize}`,
      );
    }
    this.zeros = Buffer.alloc(recordSize);
    this.spec = { name: "fixed", recordSize };
    this.largestPayloadBytes = recordSize;
    this.largestPayloadWords = `a fixed record of ${recordSize} bytes (--record-size)`;
  }

  createDecoder(framePool?: FramePool): FixedRecordDecoder {
    return new FixedRecordDecoder(this.recordSize, framePool);
  }

  encode(payload: Buffer): Buffer[] {
    this.checkEncodable(payload);
    const paddingBytes = this.recordSize - payload.length;
    return paddingBytes === 0 ? [payload] : [payload, this.zeros.subarray(0, paddingBytes)];
  }

  frameBytes(_payloadBytes: number): number {
    return this.recordSize;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    this.checkEncodable(payload);
    const end = offset + this.recordSize;
    target.fill(0, offset + payload.copy(target, offset), end);
    return end;
  }

  /** No bytes can claim more than a record: every record is one. */
  overLimitSample(): undefined {
    return undefined;
  }

  private checkEncodable(payload: Buffer): void {
    if (payload.length > this.recordSize) {
      throw new FramingError(
        "payload-too-large",
        `payload of ${payload.length} bytes does not fit a fixed record of ${this.recordSize} bytes`,
      );
    }
    if (payload.length > 0 && payload[payload.length - 1] === 0) {
      throw new FramingError(
        "trailing-nul",
        "payload ends with a NUL byte, which fixed framing strips as padding on receipt",
      );
    }
  }
}

/** `--record-size`: fixed's bytes per record, at most the default max frame. */
export const RECORD_SIZE_OPTION: FramingOptionDefinition = {
  key: "recordSize",
  flag: "--record-size <bytes>",
  description: "fixed: bytes per record",
  defaultText: String(DEFAULT_RECORD_SIZE),
  parseText: (text) => {
    const value = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1 || value > DEFAULT_MAX_FRAME_BYTES) {
      throw new FramingError(
        "invalid-option",
        `expected a whole number from 1 to ${DEFAULT_MAX_FRAME_BYTES}, got ${JSON.stringify(text)}`,
      );
    }
    return value;
  },
};

export const FIXED_FRAMING: FramingDefinition = {
  name: "fixed",
  summary: "records of --record-size bytes, the payload padded with NULs",
  options: [RECORD_SIZE_OPTION],
  create: (options) => new FixedRecordFraming(options.recordSize ?? DEFAULT_RECORD_SIZE),
  optionsToCarry: (sizeBytes) => ({ recordSize: Math.max(DEFAULT_RECORD_SIZE, sizeBytes) }),
  // The record size is always written: it is what a reader of the command most needs to see.
  cliWords: (spec) => ["--record-size", String(spec.recordSize ?? DEFAULT_RECORD_SIZE)],
};
