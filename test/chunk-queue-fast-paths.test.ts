// The queue's fast paths (one-byte token in the head chunk, u32 read within a chunk, cheap views)
// must agree with plain Buffer operations on the concatenated bytes, whatever the chunking.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bufferView } from "../src/framing/buffer-view.js";
import { ChunkQueue } from "../src/framing/chunk-queue.js";
import { FramingError } from "../src/framing/framing-error.js";
import { createFraming } from "../src/framing/registry.js";
import { cutBySizes } from "./support/chunking.js";

describe("bufferView", () => {
  it("is a Buffer over the same memory as subarray", () => {
    const source = Buffer.from("0123456789").subarray(2);
    const view = bufferView(source, 1, 4);
    expect(Buffer.isBuffer(view)).toBe(true);
    expect(view.equals(source.subarray(1, 4))).toBe(true);
    source[1] = 0x41;
    expect(view.toString()).toBe("A45");
  });
});

describe("ChunkQueue fast paths", () => {
  it("cuts frames at a one-byte token and reads u32s as the concatenated bytes do", () => {
    fc.assert(
      fc.property(
        // Big chunks are kept as they are, small ones go to the shared tail: both paths get exercised.
        fc.array(
          fc
            .oneof(fc.uint8Array({ maxLength: 50 }), fc.uint8Array({ minLength: 1024, maxLength: 1500 }))
            .map((bytes) => Buffer.from(bytes.map((byte) => byte % 4))),
          { maxLength: 25 },
        ),
        (chunks) => {
          const queue = new ChunkQueue();
          let reference = Buffer.alloc(0);
          const token = Buffer.from([3]);
          for (const chunk of chunks) {
            queue.push(chunk);
            reference = Buffer.concat([reference, chunk]);
            if (reference.length >= 4) expect(queue.readUInt32BE(0)).toBe(reference.readUInt32BE(0));
            for (
              let position = queue.indexOf(token, 0);
              position !== -1;
              position = queue.indexOf(token, 0)
            ) {
              expect(position).toBe(reference.indexOf(token));
              expect(queue.take(position).equals(reference.subarray(0, position))).toBe(true);
              queue.skip(1);
              reference = reference.subarray(position + 1);
            }
            expect(reference.indexOf(token)).toBe(-1);
            expect(queue.length).toBe(reference.length);
          }
        },
      ),
    );
  });
});

describe("eof decoder bulk cut (one-byte token)", () => {
  it("decodes many small frames under chunkings that mix kept chunks and the shared tail", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .uint8Array({ minLength: 10, maxLength: 80 })
            .map((bytes) => Buffer.from(bytes.map((byte) => byte % 9))),
          {
            minLength: 100,
            maxLength: 300,
          },
        ),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1024, max: 5000 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (payloads, sizes) => {
          const framing = createFraming("eof", { token: Buffer.from([9]) });
          const stream = Buffer.concat(payloads.flatMap((payload) => framing.encode(payload)));
          const decoder = framing.createDecoder();
          const decoded = cutBySizes(stream, sizes).flatMap((chunk) => decoder.push(chunk));
          expect(decoded.map((frame) => frame.toString("hex"))).toEqual(
            payloads.map((payload) => payload.toString("hex")),
          );
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it("still fails a frame longer than max frame when the whole frame lies in one chunk", () => {
    const framing = createFraming("eof", { token: Buffer.from("\n"), maxFrameBytes: 10 });
    const decoder = framing.createDecoder();
    const chunk = Buffer.concat([Buffer.from("short\n"), Buffer.alloc(2000, 0x61), Buffer.from("\n")]);
    expect(() => decoder.push(chunk)).toThrow(FramingError);
    expect(() => decoder.push(Buffer.from("x\n"))).toThrow(/max frame 10/);
  });
});

describe("length decoder bulk cut", () => {
  it("decodes many small frames under chunkings that mix kept chunks and the shared tail", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.uint8Array({ minLength: 0, maxLength: 80 }).map((bytes) => Buffer.from(bytes)),
          {
            minLength: 100,
            maxLength: 300,
          },
        ),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1024, max: 5000 })), {
          minLength: 1,
          maxLength: 20,
        }),
        (payloads, sizes) => {
          const framing = createFraming("length");
          const stream = Buffer.concat(payloads.flatMap((payload) => framing.encode(payload)));
          const decoder = framing.createDecoder();
          const decoded = cutBySizes(stream, sizes).flatMap((chunk) => decoder.push(chunk));
          expect(decoded.map((frame) => frame.toString("hex"))).toEqual(
            payloads.map((payload) => payload.toString("hex")),
          );
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it("still rejects an oversized prefix that follows whole frames in the same chunk", () => {
    const framing = createFraming("length", { maxFrameBytes: 100 });
    const oversized = Buffer.alloc(4);
    oversized.writeUInt32BE(101);
    const chunk = Buffer.concat([...framing.encode(Buffer.alloc(100, 1)), oversized, Buffer.alloc(2000)]);
    expect(() => framing.createDecoder().push(chunk)).toThrow(/length prefix 101 exceeds max frame 100/);
  });
});
