// Limits, failure modes and large messages of each framing, beyond the round-trip properties.

import { describe, expect, it } from "vitest";
import { FramingError } from "../src/framing/framing-error.js";
import { createFraming } from "../src/framing/registry.js";
import { parseToken } from "../src/framing/token.js";
import { cutAt, decodeChunks, encodeAll, everyByte } from "./support/chunking.js";

const KiB = 1024;
const MiB = 1024 * KiB;

function inChunksOf(bytes: Buffer, chunkBytes: number): Buffer[] {
  const cuts: number[] = [];
  for (let offset = chunkBytes; offset < bytes.length; offset += chunkBytes) cuts.push(offset);
  return cutAt(bytes, cuts);
}

function patterned(sizeBytes: number): Buffer {
  const payload = Buffer.allocUnsafe(sizeBytes);
  for (let index = 0; index < sizeBytes; index++) payload[index] = 97 + (index % 26);
  return payload;
}

describe("length framing", () => {
  it("writes a 4-byte big-endian length, then the payload as is", () => {
    const payload = Buffer.from("hi");
    const [header, body] = createFraming("length").encode(payload);
    expect(header?.toString("hex")).toBe("00000002");
    expect(body).toBe(payload);
  });

  it("rejects an oversized prefix from the header alone, naming the prefix and the limit", () => {
    const decoder = createFraming("length").createDecoder();
    expect(() => decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrowError(
      "length prefix 4294967295 exceeds max frame 16777216",
    );
    expect(decoder.bufferedBytes).toBe(0);
  });

  it("stays failed after a protocol error", () => {
    const decoder = createFraming("length", { maxFrameBytes: 10 }).createDecoder();
    expect(() => decoder.push(Buffer.from([0, 0, 0, 11]))).toThrow(FramingError);
    expect(() => decoder.push(Buffer.from([0, 0, 0, 1, 65]))).toThrow(FramingError);
  });

  it("accepts a frame of exactly max frame bytes", () => {
    const framing = createFraming("length", { maxFrameBytes: 100 });
    const decoded = decodeChunks(framing.createDecoder(), [encodeAll(framing, [patterned(100)])]);
    expect(decoded[0]?.equals(patterned(100))).toBe(true);
  });

  it("decodes a 16 MiB message in 64 KiB chunks", () => {
    const framing = createFraming("length");
    const payload = patterned(16 * MiB);
    const decoded = decodeChunks(
      framing.createDecoder(),
      inChunksOf(encodeAll(framing, [payload]), 64 * KiB),
    );
    expect(decoded).toHaveLength(1);
    expect(decoded[0]?.equals(payload)).toBe(true);
  });
});

describe("eof framing", () => {
  it("writes the payload, then the token", () => {
    expect(Buffer.concat(createFraming("eof").encode(Buffer.from("hi"))).toString()).toBe("hi<EOF>");
  });

  it("refuses a payload that contains the token, naming where", () => {
    expect(() => createFraming("eof").encode(Buffer.from("a<EOF>b"))).toThrowError(
      /end token "<EOF>" at byte 1/,
    );
  });

  it("refuses a payload whose end and the token would form an earlier token", () => {
    const framing = createFraming("eof", { token: Buffer.from("aa") });
    expect(() => framing.encode(Buffer.from("xa"))).toThrow(FramingError);
    expect(framing.encode(Buffer.from("ax"))).toHaveLength(2);
  });

  it("fails a stream that sends more than max frame bytes without a token, and buffers no more than that", () => {
    const decoder = createFraming("eof", { maxFrameBytes: 1000 }).createDecoder();
    let failure: unknown;
    let largestBuffered = 0;
    for (const byte of everyByte(Buffer.alloc(5000, 120))) {
      try {
        decoder.push(byte);
        largestBuffered = Math.max(largestBuffered, decoder.bufferedBytes);
      } catch (error) {
        failure = error;
        break;
      }
    }
    expect(failure).toBeInstanceOf(FramingError);
    expect((failure as Error).message).toMatch(/no end token within max frame 1000/);
    expect(largestBuffered).toBeLessThanOrEqual(1000 + 4);
  });

  it("finds a token split across many chunks", () => {
    const framing = createFraming("eof", { token: parseToken("\\r\\n") });
    const stream = Buffer.from("PING\r\nPONG\r\n\r\n");
    expect(decodeChunks(framing.createDecoder(), everyByte(stream)).map(String)).toEqual([
      "PING",
      "PONG",
      "",
    ]);
  });

  it("decodes a 16 MiB message in 64 KiB chunks and in 1 KiB chunks", () => {
    const framing = createFraming("eof");
    const payload = patterned(16 * MiB);
    const stream = encodeAll(framing, [payload, Buffer.from("after")]);
    for (const chunkBytes of [64 * KiB, KiB]) {
      const decoded = decodeChunks(framing.createDecoder(), inChunksOf(stream, chunkBytes));
      expect(decoded.map((message) => message.length)).toEqual([16 * MiB, 5]);
      expect(decoded[0]?.equals(payload)).toBe(true);
    }
  });

  it("parses token escapes and rejects bad ones with the allowed list", () => {
    expect(parseToken("\\r\\n").toString("hex")).toBe("0d0a");
    expect(parseToken("\\x00\\t\\0\\\\").toString("hex")).toBe("0009005c");
    expect(() => parseToken("\\q")).toThrowError(/allowed escapes are/);
    expect(() => parseToken("\\x4")).toThrowError(/allowed escapes are/);
    expect(() => parseToken("")).toThrowError(/must not be empty/);
  });
});

describe("fixed framing", () => {
  it("pads each payload with NULs to one record and strips them on receipt", () => {
    const framing = createFraming("fixed", { recordSize: 8 });
    const stream = encodeAll(framing, [Buffer.from("abc"), Buffer.alloc(0), Buffer.from("12345678")]);
    expect(stream.toString("hex")).toBe(
      `6162630000000000${"00".repeat(8)}${Buffer.from("12345678").toString("hex")}`,
    );
    expect(decodeChunks(framing.createDecoder(), [stream]).map(String)).toEqual(["abc", "", "12345678"]);
  });

  it("refuses a payload longer than a record or ending in NUL", () => {
    const framing = createFraming("fixed");
    expect(() => framing.encode(Buffer.alloc(1025, 1))).toThrowError(
      "payload of 1025 bytes does not fit a fixed record of 1024 bytes",
    );
    expect(() => framing.encode(Buffer.from([1, 0]))).toThrowError(/ends with a NUL byte/);
  });

  it("rejects a record size below one", () => {
    expect(() => createFraming("fixed", { recordSize: 0 })).toThrowError(/record size must be/);
  });
});

describe("registry", () => {
  it("names the framings it knows when asked for another", () => {
    expect(() => createFraming("xml")).toThrowError(
      'unknown framing "xml": choose one of eof, length, fixed, naive, varint, line',
    );
  });

  it("rejects a max frame below one byte", () => {
    expect(() => createFraming("length", { maxFrameBytes: 0 })).toThrowError(/max frame must be/);
  });
});
