// Test helpers that cut an encoded byte stream the ways TCP may deliver it.

import fc from "fast-check";
import type { FrameDecoder } from "../../src/framing/frame-decoder.js";
import type { Framing } from "../../src/framing/framing.js";

export function encodeAll(framing: Framing, messages: Uint8Array[]): Buffer {
  return Buffer.concat(messages.flatMap((message) => framing.encode(Buffer.from(message))));
}

/** Cuts `bytes` before each offset in `cuts` (any order, duplicates and out-of-range values ignored). */
export function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const offsets = [...new Set(cuts.filter((cut) => cut > 0 && cut < bytes.length))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  return chunks;
}

/** Cuts `bytes` into pieces of `sizes[0]`, `sizes[1]`, ... bytes, cycling through `sizes` to the end. */
export function cutBySizes(bytes: Buffer, sizes: number[]): Buffer[] {
  const cuts: number[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    offset += sizes[index % sizes.length] as number;
    cuts.push(offset);
  }
  return cutAt(bytes, cuts);
}

export function everyByte(bytes: Buffer): Buffer[] {
  return Array.from({ length: bytes.length }, (_, index) => bytes.subarray(index, index + 1));
}

export function decodeChunks(decoder: FrameDecoder, chunks: Buffer[]): Buffer[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

export type Chunking = "one chunk" | "every byte" | "random cuts";

/** A chunking mode with random cut points (as fractions of the stream length). */
export const chunkingArbitrary = fc.record({
  mode: fc.constantFrom<Chunking>("one chunk", "every byte", "random cuts"),
  cutFractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
});

export function chunk(bytes: Buffer, chunking: { mode: Chunking; cutFractions: number[] }): Buffer[] {
  switch (chunking.mode) {
    case "one chunk":
      return [bytes];
    case "every byte":
      return everyByte(bytes);
    case "random cuts":
      return cutAt(
        bytes,
        chunking.cutFractions.map((fraction) => Math.floor(fraction * bytes.length)),
      );
  }
}
