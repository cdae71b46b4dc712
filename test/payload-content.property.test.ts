// The contents of generated echo payloads (src/clients/load/verification/payload-content.ts): whatever
// the size, sequence number, connection and the bytes a framing avoids, a payload has exactly its size,
// never holds an avoided byte, carries a header that parses back, starts and ends with whitespace, is
// valid UTF-8 when its body is utf8 (with a 4-byte character across every 1 KiB read boundary for the
// headers before a payload: none, or a 4-byte length), and under mixed turns utf8 and binary by turns.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ECHO_HEADER_BYTES,
  EchoPayloadCodec,
  MIN_DECORATED_PAYLOAD_BYTES,
} from "../src/clients/load/verification/echo-payload.js";
import {
  bodyKindOf,
  describePayloadBytes,
  PAYLOAD_CONTENTS,
} from "../src/clients/load/verification/payload-content.js";
import { oneAtATimeNote } from "../src/suites/target-probes.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const isValidUtf8 = (bytes: Uint8Array) => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** The bytes framings ask payloads to avoid: eof's token's first byte, fixed's NUL, a line token's LF. */
const avoidedBytes = fc.constantFrom([], [0x3c], [0x00], [0x0a], [0x0d], [0x20, 0x09]);

describe("echo payload contents", () => {
  it("have their size, avoid what the framing avoids, and carry a header that parses back", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PAYLOAD_CONTENTS),
        avoidedBytes,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 4000 }),
        (content, avoided, size, seq, connectionId) => {
          const codec = new EchoPayloadCodec(avoided, content);
          const payload = codec.create(connectionId, seq, size);
          expect(payload.length).toBe(size);
          for (const byte of avoided) expect(payload.includes(byte)).toBe(false);
          if (size >= ECHO_HEADER_BYTES + 2) {
            expect(codec.parseHeader(payload)).toEqual({ seq, connectionId, sizeBytes: size });
          }
          // Reused buffers get the same bytes as fresh ones.
          expect(codec.create(connectionId, seq, size, Buffer.alloc(size, 0xff))).toEqual(payload);
        },
      ),
    );
  });

  it("start and end with whitespace, and hold valid UTF-8 whenever the body is utf8", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("mixed", "utf8", "binary"),
        fc.constantFrom([], [0x3c], [0x00]),
        fc.integer({ min: MIN_DECORATED_PAYLOAD_BYTES, max: 5000 }),
        fc.integer({ min: 0, max: 1000 }),
        (content, avoided, size, seq) => {
          const payload = new EchoPayloadCodec(avoided, content as "mixed").create(0, seq, size);
          expect(payload.subarray(0, 2).toString()).toBe(" \t");
          expect(payload.subarray(-3).toString()).toBe("\r\n ");
          const kind = bodyKindOf(content as "mixed", seq);
          if (kind === "utf8") expect(isValidUtf8(payload)).toBe(true);
        },
      ),
    );
  });

  it("put a character across every 1 KiB read boundary, with or without a 4-byte length before them", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1030, max: 70_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom(0, 4),
        (size, phase, headerBytes) => {
          const payload = new EchoPayloadCodec([0x3c], "utf8").create(1, phase * 2, size);
          const stream = Buffer.concat([Buffer.alloc(headerBytes, 0x41), payload]);
          // Every 1 KiB boundary inside the utf8 body (header before it, whitespace and filler after it).
          for (let cut = 1024; cut + 8 < stream.length; cut += 1024) {
            expect(isValidUtf8(stream.subarray(headerBytes, cut)), `cut at ${cut}`).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("text keeps to the printable alphabet; mixed turns utf8 and binary bodies by turns", () => {
    const text = new EchoPayloadCodec([], "text").create(0, 3, 4096);
    expect(describePayloadBytes(text)).toBe("text");
    const mixed = new EchoPayloadCodec([], "mixed");
    expect(describePayloadBytes(mixed.create(0, 0, 4096))).toBe("utf8");
    expect(describePayloadBytes(mixed.create(0, 1, 4096))).toBe("binary");
    // Every byte value the framing allows turns up in a binary body.
    const binary = new EchoPayloadCodec([0x3c], "binary").create(0, 1, 4096);
    expect(new Set(binary).size).toBe(255);
  });
});

describe("the concurrent probe's one-at-a-time note", () => {
  it("is given when each client waited for the one before, and never when clients were served together", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 5, max: 200 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 1, max: 20 }),
        (busyMs, latencyMs) => {
          // One at a time: each waits for everything served before it.
          let before = 0;
          const sequential = busyMs.map((busy) => {
            const client = { longestWaitMs: before + latencyMs, busyMs: busy };
            before += busy + latencyMs;
            return client;
          });
          expect(oneAtATimeNote(sequential)).toMatch(/served one client at a time/);
          // Side by side: every client waits about one reply's latency, busy for 8 of them.
          const together = busyMs.map(() => ({ longestWaitMs: latencyMs * 2, busyMs: latencyMs * 8 }));
          expect(oneAtATimeNote(together)).toBeUndefined();
        },
      ),
    );
  });
});
