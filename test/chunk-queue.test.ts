// The chunk queue under mixed chunk sizes: takes, skips and resumed searches across boundaries.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkQueue } from "../src/framing/chunk-queue.js";

describe("ChunkQueue", () => {
  it("returns the same bytes as one concatenated buffer for any pushes and takes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 30 }),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 30 }),
        (chunks, takes) => {
          const queue = new ChunkQueue();
          let reference = Buffer.alloc(0);
          for (const [index, chunk] of chunks.entries()) {
            queue.push(Buffer.from(chunk));
            reference = Buffer.concat([reference, chunk]);
            const takeBytes = Math.min(takes[index] ?? 0, queue.length);
            expect(queue.take(takeBytes).equals(reference.subarray(0, takeBytes))).toBe(true);
            reference = reference.subarray(takeBytes);
            expect(queue.length).toBe(reference.length);
          }
        },
      ),
    );
  });

  it("finds a token wherever the reference indexOf does, resuming from any offset", () => {
    fc.assert(
      fc.property(
        // Chunks from 1 KiB up are kept as they are, so tokens straddle real chunk boundaries.
        fc.array(
          fc
            .oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 1024, maxLength: 1100 }))
            .map((bytes) => bytes.map((byte) => byte % 3)),
          { maxLength: 20 },
        ),
        fc
          .uint8Array({ minLength: 1, maxLength: 4 })
          .map((bytes) => Buffer.from(bytes.map((byte) => byte % 3))),
        fc.nat({ max: 100 }),
        (chunks, token, skipBytes) => {
          const queue = new ChunkQueue();
          for (const chunk of chunks) queue.push(Buffer.from(chunk));
          const reference = Buffer.concat(chunks);
          const skip = Math.min(skipBytes, queue.length);
          queue.skip(skip);
          const rest = reference.subarray(skip);
          for (let from = 0; from <= rest.length; from += 97) {
            expect(queue.indexOf(token, from)).toBe(rest.indexOf(token, from));
          }
        },
      ),
    );
  });

  it("reads a big-endian u32 across chunk boundaries", () => {
    const queue = new ChunkQueue();
    for (const byte of [0x01, 0x02, 0x03, 0x04]) queue.push(Buffer.from([byte]));
    expect(queue.readUInt32BE(0)).toBe(0x01020304);
  });
});
