// Length-prefix framing: the length as an unsigned integer of 1, 2, 4 or 8 bytes, big- or little-endian,
// counting the payload alone or the whole frame, then the payload. Binary-safe. The default (4 bytes,
// big-endian, the payload) is the lab's `length`, and its spec stays `{ name, maxFrameBytes }`.

import type { FrameCollector } from "./frame-collector.js";
import { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingOptions, FramingSpec } from "./framing.js";
import type { FramingDefinition, FramingOptionDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";
import { oneOf } from "./option-choice.js";

export type LengthPrefixBytes = 1 | 2 | 4 | 8;
export type LengthEndian = "big" | "little";
/** What the prefix counts: the payload alone, or the frame (the prefix's own bytes too). */
export type LengthCounts = "payload" | "frame";

const PREFIX_BYTES: readonly LengthPrefixBytes[] = [1, 2, 4, 8];
const ENDIANS: readonly LengthEndian[] = ["big", "little"];
const COUNTS: readonly LengthCounts[] = ["payload", "frame"];

/** How the prefix is written: its width, byte order and what it counts. */
export interface LengthPrefixFormat {
  readonly bytes: LengthPrefixBytes;
  readonly endian: LengthEndian;
  readonly counts: LengthCounts;
}

export const DEFAULT_LENGTH_FORMAT: LengthPrefixFormat = { bytes: 4, endian: "big", counts: "payload" };

/** The largest prefix value a number holds exactly: 8-byte prefixes stop at 2^53-1. */
function largestPrefixValue(bytes: LengthPrefixBytes): number {
  return bytes === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * bytes) - 1;
}

/** high * 2^32 + low, or +Infinity past 2^53-1 (which no max frame reaches and every decoder refuses). */
function joinUint64(high: number, low: number): number {
  return high > 0x1fffff ? Number.POSITIVE_INFINITY : high * 0x1_0000_0000 + low;
}

type PrefixReader = (source: Buffer, offset: number) => number;
type PrefixWriter = (target: Buffer, value: number, offset: number) => void;

function prefixReader({ bytes, endian }: LengthPrefixFormat): PrefixReader {
  const big = endian === "big";
  switch (bytes) {
    case 1:
      return (source, offset) => source[offset] as number;
    case 2:
      return big
        ? (source, offset) => source.readUInt16BE(offset)
        : (source, offset) => source.readUInt16LE(offset);
    case 4:
      return big
        ? (source, offset) => source.readUInt32BE(offset)
        : (source, offset) => source.readUInt32LE(offset);
    case 8:
      return big
        ? (source, offset) => joinUint64(source.readUInt32BE(offset), source.readUInt32BE(offset + 4))
        : (source, offset) => joinUint64(source.readUInt32LE(offset + 4), source.readUInt32LE(offset));
  }
}

function prefixWriter({ bytes, endian }: LengthPrefixFormat): PrefixWriter {
  const big = endian === "big";
  switch (bytes) {
    case 1:
      return (target, value, offset) => {
        target[offset] = value;
      };
    case 2:
      return big
        ? (target, value, offset) => target.writeUInt16BE(value, offset)
        : (target, value, offset) => target.writeUInt16LE(value, offset);
    case 4:
      return big
        ? (target, value, offset) => target.writeUInt32BE(value, offset)
        : (target, value, offset) => target.writeUInt32LE(value, offset);
    case 8: {
      // Two u32 halves: the value is at most 2^53-1, so no BigInt is needed.
      const high = (value: number) => Math.floor(value / 0x1_0000_0000);
      const low = (value: number) => value % 0x1_0000_0000;
      return big
        ? (target, value, offset) => {
            target.writeUInt32BE(high(value), offset);
            target.writeUInt32BE(low(value), offset + 4);
          }
        : (target, value, offset) => {
            target.writeUInt32LE(low(value), offset);
            target.writeUInt32LE(high(value), offset + 4);
          };
    }
  }
}

export class LengthPrefixDecoder extends FrameDecoder {
  private awaitingPayload = false;
  private payloadBytes = 0;
  private readonly headerBytes: number;
  /** Bytes of the prefix's value that are the prefix itself (--length-counts frame), else 0. */
  private readonly countedHeaderBytes: number;
  private readonly readPrefix: PrefixReader;
  /** A prefix that straddles chunks is gathered here, byte by byte, to be read as one. */
  private readonly scratch: Buffer;

  constructor(
    private readonly format: LengthPrefixFormat,
    private readonly maxFrameBytes: number,
    framePool?: FramePool,
  ) {
    super(framePool);
    this.headerBytes = format.bytes;
    this.countedHeaderBytes = format.counts === "frame" ? format.bytes : 0;
    this.readPrefix = prefixReader(format);
    this.scratch = Buffer.alloc(format.bytes);
  }

  /** A frame whose header was already read is decodeNext's to finish. */
  protected override cutsInBulk(): boolean {
    return !this.awaitingPayload;
  }

  /** Cuts every frame that ends inside `source`; decodeNext reports a prefix it must refuse. */
  protected override cutFrames(source: Buffer, frames: FrameCollector): number {
    const headerBytes = this.headerBytes;
    let start = 0;
    while (start + headerBytes <= source.length) {
      const payloadStart = start + headerBytes;
      const payloadBytes = this.readPrefix(source, start) - this.countedHeaderBytes;
      // `!(>= 0)`: a frame-counting prefix below its own width is decodeNext's to refuse too.
      if (!(payloadBytes >= 0) || payloadBytes > this.maxFrameBytes) break;
      if (payloadStart + payloadBytes > source.length) break;
      frames.add(source, payloadStart, payloadStart + payloadBytes);
      start = payloadStart + payloadBytes;
    }
    return start;
  }

  /** The prefix of the frame whose payload is awaited, as it came. */
  protected override readHeader(): Buffer {
    if (!this.awaitingPayload) return super.readHeader();
    const header = Buffer.allocUnsafe(this.headerBytes);
    prefixWriter(this.format)(header, this.payloadBytes + this.countedHeaderBytes, 0);
    return header;
  }

  protected decodeNext(): Buffer | undefined {
    if (!this.awaitingPayload) {
      if (this.queue.length < this.headerBytes) return undefined;
      for (let index = 0; index < this.headerBytes; index++) this.scratch[index] = this.queue.byteAt(index);
      // Judged from the header alone, before any payload byte is buffered for it.
      this.payloadBytes = this.payloadBytesOf(this.readPrefix(this.scratch, 0));
      this.queue.skip(this.headerBytes);
      this.awaitingPayload = true;
    }
    if (this.queue.length < this.payloadBytes) return undefined;
    this.awaitingPayload = false;
    return this.queue.take(this.payloadBytes);
  }

  /** The payload length a prefix claims, or a FramingError when no frame may claim it. */
  private payloadBytesOf(value: number): number {
    if (value === Number.POSITIVE_INFINITY) {
      throw new FramingError(
        "frame-too-large",
        `8-byte length prefix ${this.scratch.toString("hex")} is above 2^53-1, more than max frame ${this.maxFrameBytes}`,
      );
    }
    if (value < this.countedHeaderBytes) {
      throw new FramingError(
        "malformed-frame",
        `length prefix ${value} is below the ${this.headerBytes} bytes of the prefix it counts (--length-counts frame)`,
      );
    }
    const payloadBytes = value - this.countedHeaderBytes;
    if (payloadBytes > this.maxFrameBytes) {
      const counted = this.countedHeaderBytes > 0 ? ` (a payload of ${payloadBytes} bytes)` : "";
      throw new FramingError(
        "frame-too-large",
        `length prefix ${value}${counted} exceeds max frame ${this.maxFrameBytes}`,
      );
    }
    return payloadBytes;
  }
}

export class LengthPrefixFraming implements Framing {
  readonly name = "length";
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  readonly payloadAvoidsBytes: readonly number[] = [];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;
  private readonly headerBytes: number;
  private readonly countedHeaderBytes: number;
  /** The largest payload the prefix can describe, whatever the max frame. */
  private readonly encodableBytes: number;
  private readonly writePrefix: PrefixWriter;

  constructor(
    readonly maxFrameBytes: number,
    readonly format: LengthPrefixFormat = DEFAULT_LENGTH_FORMAT,
  ) {
    this.headerBytes = format.bytes;
    this.countedHeaderBytes = format.counts === "frame" ? format.bytes : 0;
    this.encodableBytes = largestPrefixValue(format.bytes) - this.countedHeaderBytes;
    this.writePrefix = prefixWriter(format);
    // Options at their defaults stay out, so the default spec is the lab's `length` byte for byte.
    this.spec = {
      name: "length",
      maxFrameBytes,
      ...(format.bytes !== DEFAULT_LENGTH_FORMAT.bytes ? { lengthBytes: format.bytes } : {}),
      ...(format.endian !== DEFAULT_LENGTH_FORMAT.endian ? { lengthEndian: format.endian } : {}),
      ...(format.counts !== DEFAULT_LENGTH_FORMAT.counts ? { lengthCounts: format.counts } : {}),
    };
    this.largestPayloadBytes = Math.min(maxFrameBytes, this.encodableBytes);
    this.largestPayloadWords =
      maxFrameBytes < this.encodableBytes
        ? `the max frame of ${maxFrameBytes} bytes (--max-frame)`
        : `the ${format.bytes}-byte length prefix (${this.encodableBytes} bytes)`;
  }

  createDecoder(framePool?: FramePool): LengthPrefixDecoder {
    return new LengthPrefixDecoder(this.format, this.maxFrameBytes, framePool);
  }

  encode(payload: Buffer): Buffer[] {
    this.checkEncodable(payload);
    const header = Buffer.allocUnsafe(this.headerBytes);
    this.writePrefix(header, payload.length + this.countedHeaderBytes, 0);
    return [header, payload];
  }

  frameBytes(payloadBytes: number): number {
    return this.headerBytes + payloadBytes;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    this.checkEncodable(payload);
    this.writePrefix(target, payload.length + this.countedHeaderBytes, offset);
    return offset + this.headerBytes + payload.copy(target, offset + this.headerBytes);
  }

  /**
   * A prefix of all ones (u32: 4 GiB - 1), refused from the header alone, before any payload; undefined
   * when even that claims no more than the max frame (a 1-byte prefix under the default max frame).
   */
  overLimitSample(): Buffer | undefined {
    const claimedBytes = prefixReader(this.format)(Buffer.alloc(this.headerBytes, 0xff), 0);
    if (claimedBytes - this.countedHeaderBytes <= this.maxFrameBytes) return undefined;
    return Buffer.alloc(this.headerBytes, 0xff);
  }

  private checkEncodable(payload: Buffer): void {
    if (payload.length > this.encodableBytes) {
      throw new FramingError(
        "payload-too-large",
        `payload of ${payload.length} bytes exceeds the ${this.headerBytes}-byte length prefix (${this.encodableBytes})`,
      );
    }
  }
}

/** `--length-bytes`: the prefix's width. */
const LENGTH_BYTES_OPTION: FramingOptionDefinition = {
  key: "lengthBytes",
  flag: "--length-bytes <bytes>",
  description: "length: prefix width in bytes: 1, 2, 4 or 8",
  defaultText: String(DEFAULT_LENGTH_FORMAT.bytes),
  parseText: (text) => oneOf("--length-bytes", PREFIX_BYTES, text.trim()),
};

/** `--length-endian`: the prefix's byte order. */
const LENGTH_ENDIAN_OPTION: FramingOptionDefinition = {
  key: "lengthEndian",
  flag: "--length-endian <order>",
  description: "length: prefix byte order: big or little",
  defaultText: DEFAULT_LENGTH_FORMAT.endian,
  parseText: (text) => oneOf("--length-endian", ENDIANS, text.trim()),
};

/** `--length-counts`: whether the prefix counts its own bytes. */
const LENGTH_COUNTS_OPTION: FramingOptionDefinition = {
  key: "lengthCounts",
  flag: "--length-counts <what>",
  description: "length: what the prefix counts: payload, or frame (the prefix's own bytes too)",
  defaultText: DEFAULT_LENGTH_FORMAT.counts,
  parseText: (text) => oneOf("--length-counts", COUNTS, text.trim()),
};

function lengthFormatOf(options: FramingOptions): LengthPrefixFormat {
  const { lengthBytes, lengthEndian, lengthCounts } = options;
  return {
    bytes:
      lengthBytes === undefined
        ? DEFAULT_LENGTH_FORMAT.bytes
        : oneOf("--length-bytes", PREFIX_BYTES, lengthBytes),
    endian:
      lengthEndian === undefined
        ? DEFAULT_LENGTH_FORMAT.endian
        : oneOf("--length-endian", ENDIANS, lengthEndian),
    counts:
      lengthCounts === undefined
        ? DEFAULT_LENGTH_FORMAT.counts
        : oneOf("--length-counts", COUNTS, lengthCounts),
  };
}

export const LENGTH_FRAMING: FramingDefinition = {
  name: "length",
  summary: "the payload length (--length-bytes, default 4, big-endian), then the payload",
  options: [LENGTH_BYTES_OPTION, LENGTH_ENDIAN_OPTION, LENGTH_COUNTS_OPTION],
  create: (options) => new LengthPrefixFraming(options.maxFrameBytes, lengthFormatOf(options)),
  cliWords: (spec) => {
    const format = lengthFormatOf(spec);
    return [
      ...(format.bytes !== DEFAULT_LENGTH_FORMAT.bytes ? ["--length-bytes", String(format.bytes)] : []),
      ...(format.endian !== DEFAULT_LENGTH_FORMAT.endian ? ["--length-endian", format.endian] : []),
      ...(format.counts !== DEFAULT_LENGTH_FORMAT.counts ? ["--length-counts", format.counts] : []),
    ];
  },
};
