// The inputs of the codec benchmarks: scenarios, payloads and their expected bytes on the wire.
// Wire bytes are built here from the formats' definitions, independently of every codec under test,
// so that verifying a decoder or an encoder against them checks it rather than itself.

import { NAIVE_READ_BYTES } from "../src/framing/naive-framing.js";

export type ScenarioName = "small" | "large" | "huge";

export interface Scenario {
  readonly name: ScenarioName;
  readonly frameBytes: number;
  /** Frames a decoder receives per timed call. */
  readonly decodeFrames: number;
  /** Payloads an encoder frames per timed call (large payloads repeat one buffer: encoders must not copy). */
  readonly encodeFrames: number;
  /** Size the wire bytes are cut into before they reach a decoder, as a socket's reads would be. */
  readonly chunkBytes: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

export const SCENARIOS: readonly Scenario[] = [
  { name: "small", frameBytes: 64, decodeFrames: 16 * KIB, encodeFrames: 16 * KIB, chunkBytes: 64 * KIB },
  { name: "large", frameBytes: MIB, decodeFrames: 1, encodeFrames: 64, chunkBytes: KIB },
  { name: "huge", frameBytes: 16 * MIB, decodeFrames: 1, encodeFrames: 64, chunkBytes: KIB },
];

/**
 * How frames look on the wire. Ours: u32be (length), u16le and u32le (length with --length-bytes and
 * --length-endian), varint (varint, and the length peers' prefix), newline (line, and eof with the token
 * "\n", the peers' delimiter), fixed (records of frameBytes), raw (naive).
 */
export type WireFormat = "u32be" | "u16le" | "u32le" | "varint" | "newline" | "fixed" | "raw";

/** Printable ASCII without "\n" or NUL, different in every frame, so a misplaced byte shows. */
export function makePayloads(count: number, frameBytes: number): Buffer[] {
  const payloads: Buffer[] = [];
  for (let frame = 0; frame < count; frame++) {
    const payload = Buffer.allocUnsafe(frameBytes);
    for (let index = 0; index < frameBytes; index++) payload[index] = 0x61 + ((index + frame * 7) % 26);
    payloads.push(payload);
  }
  return payloads;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function frameOnWire(format: WireFormat, payload: Buffer, recordBytes: number): Buffer[] {
  switch (format) {
    case "u32be": {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(payload.length);
      return [header, payload];
    }
    case "u16le": {
      const header = Buffer.alloc(2);
      header.writeUInt16LE(payload.length);
      return [header, payload];
    }
    case "u32le": {
      const header = Buffer.alloc(4);
      header.writeUInt32LE(payload.length);
      return [header, payload];
    }
    case "varint":
      return [varint(payload.length), payload];
    case "newline":
      return [payload, Buffer.from("\n")];
    case "fixed":
      return [payload, Buffer.alloc(recordBytes - payload.length)];
    case "raw":
      return [payload];
  }
}

export function wireBytes(format: WireFormat, payloads: readonly Buffer[], recordBytes: number): Buffer {
  return Buffer.concat(payloads.flatMap((payload) => frameOnWire(format, payload, recordBytes)));
}

/** Views of `wire` of at most `chunkBytes` each, as successive socket reads. */
export function cutIntoChunks(wire: Buffer, chunkBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < wire.length; offset += chunkBytes) {
    chunks.push(wire.subarray(offset, offset + chunkBytes));
  }
  return chunks;
}

/** What the naive decoder must yield: each read cut into recv(1024)-sized messages, boundaries ignored. */
export function naiveReads(chunks: readonly Buffer[]): Buffer[] {
  return chunks.flatMap((chunk) => cutIntoChunks(chunk, NAIVE_READ_BYTES));
}
