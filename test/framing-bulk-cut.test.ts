// The decoders' bulk paths: frames cut straight from a chunk when nothing is queued (only the remainder
// is queued), and multi-byte eof tokens searched by their first byte (with near-tokens in the payloads).

import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { Framing } from "../src/framing/framing.js";
import { FramingError } from "../src/framing/framing-error.js";
import { createFraming } from "../src/framing/registry.js";
import { cutBySizes } from "./support/chunking.js";

function accepts(framing: Framing, payload: Buffer): boolean {
  try {
    framing.encode(payload);
    return true;
  } catch {
    return false;
  }
}

/** Chunk sizes that mix tiny reads (copied into the queue's tail) and reads of 1 KiB and more (kept). */
const chunkSizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1024, max: 3000 })), {
  minLength: 1,
  maxLength: 20,
});

function expectDecoded(framing: Framing, payloads: Buffer[], chunks: Buffer[]): void {
  const decoder = framing.createDecoder();
  const frames = chunks.flatMap((chunk) => decoder.push(chunk));
  // Compared after the last push: a view into bytes that later pushes overwrite would show here.
  expect(frames.map((frame) => frame.toString("hex"))).toEqual(
    payloads.map((payload) => payload.toString("hex")),
  );
  expect(decoder.bufferedBytes).toBe(0);
}

describe("eof decoder bulk cut (multi-byte tokens)", () => {
  // Payloads over the token's own bytes and one other, so false candidates (the token's first byte not
  // followed by the rest) and tokens straddling chunks are common.
  const tokenAndPayloads = fc.constantFrom("\r\n", "<EOF>", "aab", "abab", "\n\n").chain((text) => {
    const token = Buffer.from(text);
    const framing = createFraming("eof", { token });
    const alphabet = [...new Set([...token, 0x7a])];
    const payload = fc
      .array(fc.constantFrom(...alphabet), { maxLength: 60 })
      .map((bytes) => Buffer.from(bytes))
      .filter((bytes) => accepts(framing, bytes));
    return fc.tuple(fc.constant(framing), fc.array(payload, { minLength: 1, maxLength: 200 }));
  });

  it("decodes payloads full of near-tokens under chunkings that mix kept chunks and the shared tail", () => {
    fc.assert(
      fc.property(tokenAndPayloads, chunkSizes, ([framing, payloads], sizes) => {
        const stream = Buffer.concat(payloads.flatMap((payload) => framing.encode(payload)));
        expectDecoded(framing, payloads, cutBySizes(stream, sizes));
      }),
      { numRuns: 300 },
    );
  });

  it("decodes many frames arriving in one chunk each time, as a pipelined reply stream does", () => {
    fc.assert(
      fc.property(tokenAndPayloads, fc.integer({ min: 1, max: 40 }), ([framing, payloads], perChunk) => {
        // Each chunk ends exactly on a frame boundary: the queue is empty whenever a chunk arrives.
        const chunks: Buffer[] = [];
        for (let index = 0; index < payloads.length; index += perChunk) {
          const group = payloads.slice(index, index + perChunk);
          chunks.push(Buffer.concat(group.flatMap((payload) => framing.encode(payload))));
        }
        expectDecoded(framing, payloads, chunks);
      }),
    );
  });

  it("fails a frame longer than max frame that lies whole in the first chunk, after frames before it", () => {
    const framing = createFraming("eof", { token: Buffer.from("\r\n"), maxFrameBytes: 10 });
    const decoder = framing.createDecoder();
    const chunk = Buffer.from(`short\r\n${"a".repeat(50)}\r\nlater\r\n`);
    expect(() => decoder.push(chunk)).toThrow(/frame of 50 bytes exceeds max frame 10/);
    expect(() => decoder.push(Buffer.from("x\r\n"))).toThrow(FramingError);
  });

  it("searches each received byte once, the chunk cut directly and the queue's resumed search alike", () => {
    // Bytes scanned by every Buffer#indexOf call (to the match, or to the end of the searched Buffer).
    let scannedBytes = 0;
    const original = Buffer.prototype.indexOf as (this: Buffer, ...args: unknown[]) => number;
    const spy = vi.spyOn(Buffer.prototype, "indexOf").mockImplementation(function (
      this: Buffer,
      ...args: unknown[]
    ) {
      const found = original.apply(this, args);
      const from = typeof args[1] === "number" ? args[1] : 0;
      scannedBytes += found === -1 ? this.length - from : found - from + 1;
      return found;
    });
    try {
      const decoder = createFraming("eof", { token: Buffer.from("<EOF>") }).createDecoder();
      const chunks = [
        Buffer.alloc(64 * 1024, 0x3c),
        ...Array.from({ length: 64 }, () => Buffer.alloc(1024, 0x61)),
      ];
      for (const chunk of chunks) expect(decoder.push(chunk)).toEqual([]);
      const received = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      expect(decoder.push(Buffer.from("<EOF>"))).toHaveLength(1);
      // Every byte once, plus the token-length-1 bytes kept back at each chunk's end for a straddling token;
      // and no fewer than every byte, or a token could hide in the bytes skipped.
      expect(scannedBytes).toBeLessThanOrEqual(received + 5 + chunks.length * 4 * 2);
      expect(scannedBytes).toBeGreaterThanOrEqual(received + 5);
    } finally {
      spy.mockRestore();
    }
  });

  it("fails a tokenless stream at max frame when it arrives as one big chunk", () => {
    const decoder = createFraming("eof", {
      token: Buffer.from("<EOF>"),
      maxFrameBytes: 1000,
    }).createDecoder();
    expect(() => decoder.push(Buffer.alloc(5000, 0x3c))).toThrow(/no end token within max frame 1000/);
  });
});

describe("bulk cut for every framing", () => {
  it("decodes every payload under chunkings that mix kept chunks and the shared tail", () => {
    const framings = fc.constantFrom(
      createFraming("length"),
      createFraming("eof", { token: Buffer.from("\n") }),
      createFraming("eof"),
      createFraming("fixed", { recordSize: 16 }),
      createFraming("length", { lengthBytes: 2, lengthEndian: "little", lengthCounts: "frame" }),
      createFraming("length", { lengthBytes: 8 }),
      createFraming("varint"),
      createFraming("line"),
      createFraming("line", { lineEnding: "crlf" }),
    );
    fc.assert(
      fc.property(
        framings,
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 16 }), { maxLength: 100 }),
        chunkSizes,
        (framing, messages, sizes) => {
          const payloads = messages
            .map((bytes) => Buffer.from(bytes.map((byte) => (byte % 90) + 33)))
            .filter((payload) => accepts(framing, payload));
          const stream = Buffer.concat(payloads.flatMap((payload) => framing.encode(payload)));
          expectDecoded(framing, payloads, cutBySizes(stream, sizes));
        },
      ),
    );
  });
});
