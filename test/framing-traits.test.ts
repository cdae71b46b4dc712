// What a framing says about itself: its spec rebuilds the same framing (as cluster workers do), the
// known-broken trait belongs to naive alone, and payloads made to avoid its bytes are always framable.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUILT_IN_EXPECTATIONS } from "../src/apps/expectation.js";
import { resolveLoadConfig } from "../src/clients/load/core/load-config.js";
import { RequestSource } from "../src/clients/load/core/request-source.js";
import { EchoPayloadCodec } from "../src/clients/load/verification/echo-payload.js";
import type { FramingOptions } from "../src/framing/framing.js";
import {
  createFraming,
  framingCliWords,
  framingFromSpec,
  framingNames,
  payloadSizeRefusal,
} from "../src/framing/registry.js";
import { formatToken, parseToken } from "../src/framing/token.js";
import { isKnownBrokenFraming } from "../src/results/known-broken.js";

const FRAMING_NAMES = framingNames();

const framingArbitrary = fc.record({
  name: fc.constantFrom(...FRAMING_NAMES),
  token: fc.uint8Array({ minLength: 1, maxLength: 5 }).map((bytes) => Buffer.from(bytes)),
  recordSize: fc.integer({ min: 1, max: 4096 }),
  maxFrameBytes: fc.integer({ min: 1, max: 1 << 24 }),
  lengthBytes: fc.constantFrom(1, 2, 4, 8),
  lengthEndian: fc.constantFrom("big", "little"),
  lengthCounts: fc.constantFrom("payload", "frame"),
  lineEnding: fc.constantFrom("lf", "crlf"),
});

function optionsOf({ name: _name, ...options }: { name: string } & FramingOptions): FramingOptions {
  return options;
}

describe("framing specs", () => {
  it("rebuild, through JSON, a framing that writes the same bytes and has the same spec", () => {
    fc.assert(
      fc.property(framingArbitrary, fc.uint8Array({ maxLength: 64 }), (drawn, bytes) => {
        const framing = createFraming(drawn.name, optionsOf(drawn));
        const rebuilt = framingFromSpec(JSON.parse(JSON.stringify(framing.spec)));
        expect(rebuilt.spec).toEqual(framing.spec);
        expect(rebuilt.constructor).toBe(framing.constructor);
        const payload = Buffer.from(bytes.filter((byte) => !framing.payloadAvoidsBytes.includes(byte)));
        if (payload.length > framing.largestPayloadBytes) return;
        expect(Buffer.concat(rebuilt.encode(payload))).toEqual(Buffer.concat(framing.encode(payload)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the known-broken trait", () => {
  it("is naive's alone, asked by name where a result names its framing", () => {
    expect(FRAMING_NAMES.filter((name) => createFraming(name).knownBroken)).toEqual(["naive"]);
    expect(FRAMING_NAMES.filter(isKnownBrokenFraming)).toEqual(["naive"]);
    expect(isKnownBrokenFraming("http")).toBe(false);
    expect(isKnownBrokenFraming("no-such-framing")).toBe(false);
  });
});

describe("payloads that avoid the framing's bytes", () => {
  it("can be framed and decoded back by every framing, whatever its token", () => {
    fc.assert(
      fc.property(
        framingArbitrary,
        fc.integer({ min: 0, max: 2000 }),
        fc.nat(10_000),
        (drawn, sizeBytes, seq) => {
          const framing = createFraming(drawn.name, {
            ...optionsOf(drawn),
            recordSize: 2000,
            maxFrameBytes: 4000,
          });
          const payload = new EchoPayloadCodec(framing.payloadAvoidsBytes).create(
            3,
            seq,
            Math.min(sizeBytes, framing.largestPayloadBytes),
          );
          const decoder = framing.createDecoder();
          const frames = decoder.push(Buffer.concat(framing.encode(payload)));
          if (framing.knownBroken) return;
          expect(frames.map((frame) => Buffer.from(frame).toString("hex"))).toEqual([
            payload.toString("hex"),
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leave out the default eof token's first byte when the load config names no token (check, bench)", () => {
    const config = resolveLoadConfig({ target: "127.0.0.1:1", framing: "eof", sizesBytes: [4096] });
    const source = new RequestSource(config, createFraming("eof"), BUILT_IN_EXPECTATIONS.echo);
    for (let seq = 0; seq < 64; seq++) {
      expect(source.requestPayload(seq, seq, 4096).includes("<")).toBe(false);
    }
  });
});

describe("the rules a framing owns", () => {
  it("writes its command-line words so that parsing them builds the same framing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), (bytes) => {
        const token = Buffer.from(bytes);
        expect(parseToken(formatToken(token))).toEqual(token);
      }),
    );
    expect(framingCliWords(createFraming("eof").spec)).toEqual(["--framing", "eof"]);
    expect(framingCliWords(createFraming("eof", { token: "\r\n" }).spec)).toEqual([
      "--framing",
      "eof",
      "--token",
      "\\r\\n",
    ]);
    expect(framingCliWords(createFraming("fixed").spec)).toEqual([
      "--framing",
      "fixed",
      "--record-size",
      "1024",
    ]);
    expect(framingCliWords(createFraming("length", { maxFrameBytes: 10 }).spec)).toEqual([
      "--framing",
      "length",
    ]);
  });

  it("says which sizes fit, and sends an over-limit sample its own decoder refuses", () => {
    const fixed = createFraming("fixed", { recordSize: 8 });
    expect(payloadSizeRefusal(fixed, 8)).toBeUndefined();
    expect(payloadSizeRefusal(fixed, 9)).toBe(
      "size 9 does not fit a fixed record of 8 bytes (--record-size)",
    );
    const length = createFraming("length", { maxFrameBytes: 100 });
    expect(payloadSizeRefusal(length, 101)).toBe(
      "size 101 does not fit the max frame of 100 bytes (--max-frame)",
    );
    expect(payloadSizeRefusal(createFraming("naive"), 1 << 30)).toBeUndefined();
    for (const framing of [length, createFraming("eof", { token: "a", maxFrameBytes: 100 })]) {
      const sample = framing.overLimitSample() as Buffer;
      expect(() => framing.createDecoder().push(sample)).toThrow(
        expect.objectContaining({ kind: "frame-too-large" }),
      );
    }
    expect(fixed.overLimitSample()).toBeUndefined();
    expect(createFraming("naive").overLimitSample()).toBeUndefined();
  });
});
