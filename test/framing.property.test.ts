// Properties every decoder must keep: any message list, encoded and cut at any points, decodes to
// the same list. naive is shown failing where its design says it must.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Framing } from "../src/framing/framing.js";
import { FramingError } from "../src/framing/framing-error.js";
import { createFraming, framingNames } from "../src/framing/registry.js";
import { encodeForWrite, JOIN_LIMIT_BYTES } from "../src/framing/write-batch.js";
import { chunk, chunkingArbitrary, cutBySizes, decodeChunks, encodeAll } from "./support/chunking.js";

function roundTrips(framing: Framing, messages: Uint8Array[], chunks: Buffer[]): boolean {
  const decoded = decodeChunks(framing.createDecoder(), chunks);
  expect(decoded.map((message) => Buffer.from(message).toString("hex"))).toEqual(
    messages.map((message) => Buffer.from(message).toString("hex")),
  );
  return true;
}

const anyBytes = fc.uint8Array({ maxLength: 300 });

describe("length framing", () => {
  it("decodes any messages under any chunking", () => {
    fc.assert(
      fc.property(fc.array(anyBytes, { maxLength: 20 }), chunkingArbitrary, (messages, chunking) => {
        const framing = createFraming("length");
        return roundTrips(framing, messages, chunk(encodeAll(framing, messages), chunking));
      }),
      { numRuns: 300 },
    );
  });
});

/** Any length prefix format: width, byte order and what it counts. */
const lengthFormatArbitrary = fc.record({
  lengthBytes: fc.constantFrom(1, 2, 4, 8),
  lengthEndian: fc.constantFrom("big", "little"),
  lengthCounts: fc.constantFrom("payload", "frame"),
});

describe("length framing, any width, byte order and count", () => {
  it("decodes any messages the width can describe under any chunking", () => {
    fc.assert(
      fc.property(
        lengthFormatArbitrary,
        fc.array(anyBytes, { maxLength: 20 }),
        chunkingArbitrary,
        (format, messages, chunking) => {
          const framing = createFraming("length", format);
          const carried = messages.filter((message) => message.length <= framing.largestPayloadBytes);
          return roundTrips(framing, carried, chunk(encodeAll(framing, carried), chunking));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses from the header alone any length above max frame, whatever the chunking", () => {
    fc.assert(
      fc.property(
        lengthFormatArbitrary,
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 50 }),
        chunkingArbitrary,
        (format, maxFrameBytes, excessBytes, chunking) => {
          const framing = createFraming("length", { ...format, maxFrameBytes });
          // A valid frame first, then a header claiming more than max frame and no payload.
          const header = createFraming("length", { ...format, maxFrameBytes: 1 << 20 }).encode(
            Buffer.alloc(maxFrameBytes + excessBytes),
          )[0] as Buffer;
          const stream = Buffer.concat([encodeAll(framing, [Buffer.from("ok")]), header]);
          const decoder = framing.createDecoder();
          expect(() => decodeChunks(decoder, chunk(stream, chunking))).toThrowError(/exceeds max frame/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("varint framing", () => {
  it("decodes any messages, of every varint width, under any chunking", () => {
    const sized = fc.oneof(
      anyBytes,
      fc.integer({ min: 120, max: 20_000 }).map((size) => new Uint8Array(size).fill(7)),
    );
    fc.assert(
      fc.property(fc.array(sized, { maxLength: 12 }), chunkingArbitrary, (messages, chunking) => {
        const framing = createFraming("varint");
        return roundTrips(framing, messages, chunk(encodeAll(framing, messages), chunking));
      }),
      { numRuns: 200 },
    );
  });

  it("refuses any varint above max frame, longer than max frame's or not in its shortest form, however cut", () => {
    // A varint of `value` padded with `extraBytes` continuation groups of 0 (not the shortest form).
    const varintOf = (value: number, extraBytes: number): Buffer => {
      const bytes: number[] = [];
      let rest = value;
      do {
        bytes.push(rest % 128);
        rest = Math.floor(rest / 128);
      } while (rest > 0);
      for (let extra = 0; extra < extraBytes; extra++) bytes.push(0);
      return Buffer.from(bytes.map((byte, index) => (index < bytes.length - 1 ? byte | 0x80 : byte)));
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.nat(200_000),
        fc.nat(3),
        chunkingArbitrary,
        (maxFrameBytes, value, extraBytes, chunking) => {
          const framing = createFraming("varint", { maxFrameBytes });
          const header = varintOf(value, extraBytes);
          const stream = Buffer.concat([header, Buffer.alloc(Math.min(value, maxFrameBytes), 1)]);
          const decode = () => decodeChunks(framing.createDecoder(), chunk(stream, chunking));
          if (value <= maxFrameBytes && extraBytes === 0) expect(decode()).toHaveLength(1);
          else expect(decode).toThrow(FramingError);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("line framing", () => {
  it("decodes any messages free of LF (CRs included) under any chunking, with LF or CR LF endings", () => {
    const noLf = fc
      .uint8Array({ maxLength: 200 })
      .map((bytes) => bytes.map((byte) => (byte === 0x0a ? 0x0d : byte)));
    fc.assert(
      fc.property(
        fc.constantFrom("lf", "crlf"),
        fc.array(noLf, { maxLength: 20 }),
        chunkingArbitrary,
        (lineEnding, messages, chunking) => {
          const framing = createFraming("line", { lineEnding });
          return roundTrips(framing, messages, chunk(encodeAll(framing, messages), chunking));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the prefix and line framings' over-limit samples", () => {
  it("are refused by the framing's own decoder, however they are cut", () => {
    const options = fc.record({
      name: fc.constantFrom("length", "varint", "line"),
      maxFrameBytes: fc.integer({ min: 1, max: 3000 }),
      lengthBytes: fc.constantFrom(1, 2, 4, 8),
      lengthCounts: fc.constantFrom("payload", "frame"),
      lineEnding: fc.constantFrom("lf", "crlf"),
    });
    fc.assert(
      fc.property(options, chunkingArbitrary, (drawn, chunking) => {
        const framing = createFraming(drawn.name, drawn);
        const sample = framing.overLimitSample();
        if (sample === undefined) return;
        expect(() => decodeChunks(framing.createDecoder(), chunk(sample, chunking))).toThrow(FramingError);
      }),
      { numRuns: 300 },
    );
  });
});

describe("eof framing", () => {
  it("decodes any messages free of the token, for any token, under any chunking", () => {
    const tokenAndMessages = fc.uint8Array({ minLength: 1, maxLength: 5 }).chain((token) =>
      fc.tuple(
        fc.constant(Buffer.from(token)),
        fc.array(
          fc.uint8Array({ maxLength: 200 }).filter((message) => {
            // Only messages the encoder accepts: it refuses any that could not round-trip.
            try {
              createFraming("eof", { token: Buffer.from(token) }).encode(Buffer.from(message));
              return true;
            } catch {
              return false;
            }
          }),
          { maxLength: 20 },
        ),
      ),
    );
    fc.assert(
      fc.property(tokenAndMessages, chunkingArbitrary, ([token, messages], chunking) => {
        const framing = createFraming("eof", { token });
        return roundTrips(framing, messages, chunk(encodeAll(framing, messages), chunking));
      }),
      { numRuns: 300 },
    );
  });

  it("finds tokens that straddle chunks of 1 KiB and more, which the queue keeps uncopied", () => {
    const framing = createFraming("eof");
    const messages = fc.array(
      fc.uint8Array({ minLength: 900, maxLength: 3000 }).map((bytes) => bytes.map((byte) => byte & 0x3b)),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        messages,
        fc.array(fc.integer({ min: 1024, max: 1500 }), { minLength: 1 }),
        (payloads, sizes) => {
          return roundTrips(framing, payloads, cutBySizes(encodeAll(framing, payloads), sizes));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("decodes text messages with the default token under any chunking", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "E", "O", "F", "<", ">", " ", "é"), maxLength: 60 });
    fc.assert(
      fc.property(
        fc.array(
          text.filter((message) => !`${message}<EOF>`.slice(0, -1).includes("<EOF>")),
          { maxLength: 20 },
        ),
        chunkingArbitrary,
        (strings, chunking) => {
          const framing = createFraming("eof");
          const messages = strings.map((message) => Buffer.from(message));
          return roundTrips(framing, messages, chunk(encodeAll(framing, messages), chunking));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("fixed framing", () => {
  it("decodes any messages that fit a record and do not end in NUL, under any chunking", () => {
    const recordAndMessages = fc.integer({ min: 1, max: 64 }).chain((recordSize) =>
      fc.tuple(
        fc.constant(recordSize),
        fc.array(
          fc
            .uint8Array({ maxLength: recordSize })
            .filter((message) => message.length === 0 || message[message.length - 1] !== 0),
          { maxLength: 20 },
        ),
      ),
    );
    fc.assert(
      fc.property(recordAndMessages, chunkingArbitrary, ([recordSize, messages], chunking) => {
        const framing = createFraming("fixed", { recordSize });
        return roundTrips(framing, messages, chunk(encodeAll(framing, messages), chunking));
      }),
      { numRuns: 300 },
    );
  });
});

describe("naive framing (the lab's recv(1024), a known-broken baseline)", () => {
  const naive = createFraming("naive");
  const nonEmptyUpTo1024 = fc.uint8Array({ minLength: 1, maxLength: 1024 });

  it("holds only when every message arrives as exactly one read of 1 to 1024 bytes", () => {
    fc.assert(
      fc.property(fc.array(nonEmptyUpTo1024, { maxLength: 10 }), (messages) => {
        const chunks = messages.map((message) => Buffer.concat(naive.encode(Buffer.from(message))));
        return roundTrips(naive, messages, chunks);
      }),
      { numRuns: 100 },
    );
  });

  it("fails the property when messages are coalesced into one read", () => {
    const property = fc.property(fc.array(nonEmptyUpTo1024, { minLength: 2, maxLength: 5 }), (messages) =>
      roundTrips(naive, messages, [encodeAll(naive, messages)]),
    );
    expect(() => fc.assert(property, { numRuns: 50 })).toThrow();
  });

  it("fails the property when a message is sliced across reads", () => {
    const property = fc.property(
      nonEmptyUpTo1024.filter((message) => message.length > 1),
      (message) =>
        roundTrips(
          naive,
          [message],
          chunk(encodeAll(naive, [message]), { mode: "every byte", cutFractions: [] }),
        ),
    );
    expect(() => fc.assert(property, { numRuns: 50 })).toThrow();
  });

  it("fails for messages above 1024 bytes and for empty messages, whatever the chunking", () => {
    const large = Buffer.alloc(1025, 1);
    expect(decodeChunks(naive.createDecoder(), [large])).toHaveLength(2);
    expect(decodeChunks(naive.createDecoder(), naive.encode(Buffer.alloc(0)))).toHaveLength(0);
  });
});

describe("encoding", () => {
  const framings = (token: Uint8Array): Framing[] => [
    createFraming("length"),
    createFraming("eof", { token: Buffer.from(token) }),
    createFraming("fixed", { recordSize: 64 }),
    createFraming("naive"),
    createFraming("length", { lengthBytes: 1, lengthCounts: "frame" }),
    createFraming("length", { lengthBytes: 8, lengthEndian: "little" }),
    createFraming("varint"),
    createFraming("line"),
    createFraming("line", { lineEnding: "crlf" }),
  ];

  it("eof refuses exactly the payloads in which, followed by the token, a token starts before their end", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => bytes.map((byte) => byte % 3)),
        fc.uint8Array({ maxLength: 12 }).map((bytes) => bytes.map((byte) => byte % 3)),
        (token, payload) => {
          const framing = createFraming("eof", { token: Buffer.from(token) });
          const first = Buffer.concat([payload, token]).indexOf(Buffer.from(token));
          const refused = first < payload.length;
          if (refused) {
            expect(() => framing.encode(Buffer.from(payload))).toThrowError(`at byte ${first};`);
          } else {
            expect(framing.encode(Buffer.from(payload))).toHaveLength(2);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("encodeInto writes what encode returns, joined, frameBytes long, and refuses what encode refuses", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4 }),
        fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }),
        (token, payloads) => {
          for (const framing of framings(token)) {
            for (const payload of payloads.map((bytes) => Buffer.from(bytes))) {
              let expected: Buffer | undefined;
              try {
                expected = Buffer.concat(framing.encode(payload));
              } catch (error) {
                expect(() => framing.encodeInto(payload, Buffer.alloc(1024), 0)).toThrowError(
                  (error as Error).message,
                );
                continue;
              }
              expect(framing.frameBytes(payload.length)).toBe(expected.length);
              const target = Buffer.alloc(expected.length + 6, 0xee);
              expect(framing.encodeInto(payload, target, 3)).toBe(3 + expected.length);
              expect(target.subarray(3, 3 + expected.length).equals(expected)).toBe(true);
              expect(target[2]).toBe(0xee);
              expect(target[3 + expected.length]).toBe(0xee);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("encodeForWrite", () => {
  it("writes what encode returns, joined or as parts, and never copies a frame that is its payload", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...framingNames()),
        fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 4 }),
        (name, sizes) => {
          const framing = createFraming(name, { recordSize: 40_000 });
          const payloads = sizes.map((size) => Buffer.alloc(size, 0x61));
          const encoded = encodeForWrite(framing, payloads);
          const expected = Buffer.concat(payloads.flatMap((payload) => framing.encode(payload)));
          expect(Buffer.concat(Buffer.isBuffer(encoded) ? [encoded] : encoded).equals(expected)).toBe(true);
          // A batch within JOIN_LIMIT_BYTES is one buffer; a larger one keeps every frame's buffers.
          if (expected.length <= JOIN_LIMIT_BYTES) expect(Buffer.isBuffer(encoded)).toBe(true);
          if (payloads.length === 1 && framing.encode(payloads[0] as Buffer).length === 1) {
            expect(encoded).toBe(payloads[0]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
