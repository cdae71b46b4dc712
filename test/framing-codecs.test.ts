// The framings real servers use beside the lab's: length prefixes of any width, byte order and count,
// protobuf's varint prefix and lines. Bytes on the wire (docs/wire-formats.md's examples), limits judged
// from the header alone, malformed headers refused, and the options' checks.

import { describe, expect, it } from "vitest";
import type { FramingError } from "../src/framing/framing-error.js";
import { createFraming, framingCliWords, framingFromSpec } from "../src/framing/registry.js";
import { decodeChunks, encodeAll, everyByte } from "./support/chunking.js";

const hex = (buffers: Buffer[]): string => Buffer.concat(buffers).toString("hex");

/** Pushes `bytes` one at a time and returns the error the decoder threw, with how many bytes it took. */
function failureOf(
  decoder: { push(chunk: Buffer): Buffer[] },
  bytes: Buffer,
): { error: FramingError; atByte: number } {
  for (const [index, byte] of everyByte(bytes).entries()) {
    try {
      decoder.push(byte);
    } catch (error) {
      return { error: error as FramingError, atByte: index };
    }
  }
  throw new Error(`no failure in ${bytes.toString("hex")}`);
}

describe("length framing options", () => {
  it("writes each width and byte order, counting the payload or the frame", () => {
    const hi = Buffer.from("hi");
    const cases: [Record<string, unknown>, string][] = [
      [{}, "0000000268 69"],
      [{ lengthBytes: 1 }, "0268 69"],
      [{ lengthBytes: 2 }, "000268 69"],
      [{ lengthBytes: 2, lengthEndian: "little" }, "020068 69"],
      [{ lengthBytes: 4, lengthEndian: "little" }, "0200000068 69"],
      [{ lengthBytes: 8 }, "000000000000000268 69"],
      [{ lengthBytes: 8, lengthEndian: "little" }, "020000000000000068 69"],
      [{ lengthBytes: 2, lengthCounts: "frame" }, "000468 69"],
      [{ lengthBytes: 4, lengthEndian: "little", lengthCounts: "frame" }, "0600000068 69"],
    ];
    for (const [options, expected] of cases) {
      const framing = createFraming("length", options);
      const wire = expected.replace(/ /g, "");
      expect(hex(framing.encode(hi)), JSON.stringify(options)).toBe(wire);
      expect(decodeChunks(framing.createDecoder(), everyByte(Buffer.from(wire, "hex"))).map(String)).toEqual([
        "hi",
      ]);
    }
  });

  it("reads and writes 8-byte lengths above 2^32 exactly, and refuses one above 2^53-1 from the header", () => {
    const framing = createFraming("length", { lengthBytes: 8, maxFrameBytes: 2 ** 40 });
    const decoder = framing.createDecoder();
    expect(decoder.push(Buffer.from("0000010000000000", "hex"))).toEqual([]);
    expect(decoder.partialFrame(8).toString("hex")).toBe("0000010000000000");
    const tooLarge = createFraming("length", { lengthBytes: 8, lengthEndian: "little" }).createDecoder();
    expect(() => tooLarge.push(Buffer.from("0000000000002000", "hex"))).toThrowError(
      "8-byte length prefix 0000000000002000 is above 2^53-1, more than max frame 16777216",
    );
    expect(tooLarge.bufferedBytes).toBe(0);
  });

  it("refuses a payload the width cannot describe, and one the prefix cannot with its own bytes counted", () => {
    expect(() => createFraming("length", { lengthBytes: 1 }).encode(Buffer.alloc(256))).toThrowError(
      "payload of 256 bytes exceeds the 1-byte length prefix (255)",
    );
    expect(hex(createFraming("length", { lengthBytes: 1 }).encode(Buffer.alloc(255)))).toMatch(/^ff/);
    const counted = createFraming("length", { lengthBytes: 2, lengthCounts: "frame" });
    expect(() => counted.encode(Buffer.alloc(65534))).toThrowError(
      "payload of 65534 bytes exceeds the 2-byte length prefix (65533)",
    );
    expect(counted.largestPayloadBytes).toBe(65533);
    expect(createFraming("length", { lengthBytes: 2 }).largestPayloadWords).toBe(
      "the 2-byte length prefix (65535 bytes)",
    );
  });

  it("refuses from the header alone a length above max frame, and a frame-counting length below its own width", () => {
    const u16 = createFraming("length", { lengthBytes: 2, lengthEndian: "little", maxFrameBytes: 100 });
    const over = failureOf(u16.createDecoder(), Buffer.from("6500", "hex"));
    expect(over.error.message).toBe("length prefix 101 exceeds max frame 100");
    expect(over.error.kind).toBe("frame-too-large");
    expect(over.atByte).toBe(1);
    const counted = createFraming("length", { lengthBytes: 2, lengthCounts: "frame", maxFrameBytes: 100 });
    expect(failureOf(counted.createDecoder(), Buffer.from("0067", "hex")).error.message).toBe(
      "length prefix 103 (a payload of 101 bytes) exceeds max frame 100",
    );
    const below = failureOf(counted.createDecoder(), Buffer.from("0001", "hex"));
    expect(below.error.kind).toBe("malformed-frame");
    expect(below.error.message).toMatch(/below the 2 bytes of the prefix it counts/);
    // A frame of exactly max frame bytes passes; its header says 102 with the prefix counted.
    expect(
      decodeChunks(counted.createDecoder(), [Buffer.from(`0066${"61".repeat(100)}`, "hex")]),
    ).toHaveLength(1);
  });

  it("sends an over-limit sample only a width can hold", () => {
    expect(createFraming("length").overLimitSample()?.toString("hex")).toBe("ffffffff");
    expect(createFraming("length", { lengthBytes: 1 }).overLimitSample()).toBeUndefined();
    expect(
      createFraming("length", { lengthBytes: 1, maxFrameBytes: 10 }).overLimitSample()?.toString("hex"),
    ).toBe("ff");
    expect(createFraming("length", { lengthBytes: 8 }).overLimitSample()?.toString("hex")).toBe(
      "ff".repeat(8),
    );
  });

  it("keeps the default spec and command line as before, and writes only the options that differ", () => {
    expect(createFraming("length").spec).toEqual({ name: "length", maxFrameBytes: 16 * 1024 * 1024 });
    expect(JSON.stringify(createFraming("length", { lengthBytes: 4, lengthEndian: "big" }).spec)).toBe(
      '{"name":"length","maxFrameBytes":16777216}',
    );
    const framing = createFraming("length", {
      lengthBytes: 2,
      lengthEndian: "little",
      lengthCounts: "frame",
    });
    expect(framing.spec).toEqual({
      name: "length",
      maxFrameBytes: 16777216,
      lengthBytes: 2,
      lengthEndian: "little",
      lengthCounts: "frame",
    });
    expect(framingCliWords(framing.spec)).toEqual([
      "--framing",
      "length",
      "--length-bytes",
      "2",
      "--length-endian",
      "little",
      "--length-counts",
      "frame",
    ]);
    expect(framingCliWords(createFraming("length").spec)).toEqual(["--framing", "length"]);
    expect(hex(framingFromSpec(framing.spec).encode(Buffer.from("hi")))).toBe("04006869");
  });

  it("says what is allowed for a bad option", () => {
    expect(() => createFraming("length", { lengthBytes: 3 })).toThrowError(
      "--length-bytes must be 1, 2, 4 or 8, got 3",
    );
    expect(() => createFraming("length", { lengthEndian: "middle" })).toThrowError(
      '--length-endian must be big or little, got "middle"',
    );
    expect(() => createFraming("length", { lengthCounts: "header" })).toThrowError(
      '--length-counts must be payload or frame, got "header"',
    );
  });
});

describe("varint framing", () => {
  it("writes protobuf's base-128 length, least significant group first, then the payload", () => {
    const framing = createFraming("varint");
    expect(hex(framing.encode(Buffer.from("hi")))).toBe("026869");
    expect(hex(framing.encode(Buffer.alloc(0)))).toBe("00");
    expect(hex(framing.encode(Buffer.alloc(127))).slice(0, 2)).toBe("7f");
    expect(hex(framing.encode(Buffer.alloc(128))).slice(0, 4)).toBe("8001");
    expect(hex(framing.encode(Buffer.alloc(300))).slice(0, 4)).toBe("ac02");
    expect(hex(framing.encode(Buffer.alloc(16 * 1024 * 1024))).slice(0, 8)).toBe("80808008");
    expect(framing.frameBytes(300)).toBe(302);
  });

  it("decodes lengths of every varint width, byte by byte and whole", () => {
    const framing = createFraming("varint");
    const payloads = [0, 1, 127, 128, 300, 16_383, 16_384, 70_000].map((size) =>
      Buffer.alloc(size, size % 251),
    );
    const stream = encodeAll(framing, payloads);
    for (const chunks of [[stream], everyByte(stream)]) {
      const decoded = decodeChunks(framing.createDecoder(), chunks);
      expect(decoded.map((frame) => frame.length)).toEqual(payloads.map((payload) => payload.length));
      expect(decoded.every((frame, index) => frame.equals(payloads[index] as Buffer))).toBe(true);
    }
  });

  it("refuses from the header alone a length above max frame, before the varint ends", () => {
    const framing = createFraming("varint", { maxFrameBytes: 1000 });
    // 1001 = e9 07; 2^21 = 80 80 80 01: the second byte already says more than 1000.
    const over = failureOf(framing.createDecoder(), Buffer.from("e907", "hex"));
    expect(over.error.message).toBe("varint length prefix of at least 1001 exceeds max frame 1000");
    const early = failureOf(framing.createDecoder(), Buffer.from("ffff01", "hex"));
    expect(early.atByte).toBe(1);
    expect(framing.overLimitSample()?.toString("hex")).toBe("e907");
  });

  it("refuses a varint not in its shortest form and one longer than max frame's, malformed", () => {
    const framing = createFraming("varint");
    const padded = failureOf(framing.createDecoder(), Buffer.from("8200", "hex"));
    expect(padded.error.kind).toBe("malformed-frame");
    expect(padded.error.message).toMatch(/ends in a 0 byte: not the shortest form of 2/);
    // 16 MiB takes 4 varint bytes: a fifth continuation is refused at the fifth byte, never read to 10.
    const endless = failureOf(framing.createDecoder(), Buffer.alloc(12, 0x80));
    expect(endless.error.message).toBe(
      "varint length prefix runs past 4 bytes, the most a length up to max frame 16777216 takes",
    );
    expect(endless.atByte).toBe(3);
    // Whole, as one chunk (the bulk path leaves refusals to decodeNext).
    expect(() => framing.createDecoder().push(Buffer.from("0161808000", "hex"))).toThrowError(
      /shortest form of 0/,
    );
  });
});

describe("line framing", () => {
  it("writes the payload then LF, or CR LF", () => {
    expect(hex(createFraming("line").encode(Buffer.from("hi")))).toBe("68690a");
    expect(hex(createFraming("line", { lineEnding: "crlf" }).encode(Buffer.from("hi")))).toBe("68690d0a");
  });

  it("under lf keeps a CR as payload; under crlf strips the CR before LF and carries other CRs", () => {
    const stream = Buffer.from("a\r\n\rb\r\r\n\n", "latin1");
    expect(decodeChunks(createFraming("line").createDecoder(), [stream]).map(String)).toEqual([
      "a\r",
      "\rb\r\r",
      "",
    ]);
    const crlf = createFraming("line", { lineEnding: "crlf" });
    const carried = encodeAll(crlf, [Buffer.from("x\r"), Buffer.from("\ry"), Buffer.alloc(0)]);
    expect(carried.toString("hex")).toBe("780d0d0a0d790d0a0d0a");
    for (const chunks of [[carried], everyByte(carried)]) {
      expect(decodeChunks(crlf.createDecoder(), chunks).map(String)).toEqual(["x\r", "\ry", ""]);
    }
  });

  it("refuses under crlf a LF without its CR, wherever the stream is cut", () => {
    const crlf = createFraming("line", { lineEnding: "crlf" });
    for (const stream of ["ok\r\nbad\n", "\n"]) {
      const bytes = Buffer.from(stream);
      expect(() => decodeChunks(crlf.createDecoder(), [bytes]), stream).toThrowError(
        /without the CR before it/,
      );
      const { error } = failureOf(crlf.createDecoder(), bytes);
      expect(error.kind).toBe("malformed-frame");
    }
  });

  it("refuses a line longer than max frame and no more bytes than its limit without an ending", () => {
    for (const [lineEnding, endingBytes] of [
      ["lf", 1],
      ["crlf", 2],
    ] as const) {
      const framing = createFraming("line", { lineEnding, maxFrameBytes: 10 });
      expect(
        decodeChunks(framing.createDecoder(), [encodeAll(framing, [Buffer.alloc(10, 0x61)])]),
      ).toHaveLength(1);
      const { error, atByte } = failureOf(framing.createDecoder(), Buffer.alloc(40, 0x61));
      expect(error.message).toMatch(/no line ending within max frame 10/);
      // The byte that leaves no room for the ending within the limit (0-based).
      expect(atByte).toBe(9 + endingBytes);
      expect(() =>
        framing.createDecoder().push(Buffer.from(`${"a".repeat(11)}${lineEnding === "crlf" ? "\r" : ""}\n`)),
      ).toThrowError("line of 11 bytes exceeds max frame 10");
      expect(framing.overLimitSample()).toHaveLength(10 + endingBytes);
    }
  });

  it("refuses a payload holding LF, and says generated payloads leave out CR under crlf", () => {
    expect(() => createFraming("line").encode(Buffer.from("a\nb"))).toThrowError(
      /payload contains LF at byte 1; line framing cannot carry it/,
    );
    expect(createFraming("line").payloadAvoidsBytes).toEqual([0x0a]);
    expect(createFraming("line", { lineEnding: "crlf" }).payloadAvoidsBytes).toEqual([0x0a, 0x0d]);
    expect(() => createFraming("line", { lineEnding: "cr" })).toThrowError(
      '--line-ending must be lf or crlf, got "cr"',
    );
    const crlf = createFraming("line", { lineEnding: "crlf" });
    expect(framingCliWords(crlf.spec)).toEqual(["--framing", "line", "--line-ending", "crlf"]);
    expect(framingCliWords(createFraming("line").spec)).toEqual(["--framing", "line"]);
  });
});
