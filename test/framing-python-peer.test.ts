// Independent proof of the new framings' wire formats: a Python peer written from docs/wire-formats.md
// alone (test/fixtures/peers/framing_peer.py: struct, its own varint, bytes.split) encodes the same
// payloads to the same bytes as ours, each side decodes the other's stream back to the payloads, and
// both refuse the same malformed streams. Every length option combination, varint, and both line endings.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FramingOptions } from "../src/framing/framing.js";
import { createFraming } from "../src/framing/registry.js";
import { cutBySizes, decodeChunks, encodeAll } from "./support/chunking.js";
import { PYTHON } from "./support/student-servers.js";

const PEER = fileURLToPath(new URL("./fixtures/peers/framing_peer.py", import.meta.url));

type FramingUnderTest = { name: string } & FramingOptions;

interface PeerCase {
  framing: FramingUnderTest;
  /** Payloads for the peer to encode, in hex. */
  encode: string[];
  /** Streams for the peer to decode, in hex. */
  decode: string[];
}

interface PeerAnswer {
  encoded: string;
  decoded: ({ payloads: string[] } | { refused: string })[];
}

function askPeer(cases: PeerCase[]): PeerAnswer[] {
  const run = spawnSync(PYTHON, [PEER], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) throw new Error(`the Python peer failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as PeerAnswer[];
}

const FRAMINGS: FramingUnderTest[] = [
  ...[1, 2, 4, 8].flatMap((lengthBytes) =>
    ["big", "little"].flatMap((lengthEndian) =>
      ["payload", "frame"].map((lengthCounts) => ({
        name: "length",
        lengthBytes,
        lengthEndian,
        lengthCounts,
      })),
    ),
  ),
  { name: "varint" },
  { name: "line", lineEnding: "lf" },
  { name: "line", lineEnding: "crlf" },
];

const describeFraming = (framing: FramingUnderTest): string =>
  Object.values(framing)
    .map((value) => String(value))
    .join(" ");

/** Payloads at the sizes where prefixes change width (127/128, 255/256, 16383/16384, 65535/65536) and random ones. */
function payloadsFor(framing: FramingUnderTest): Buffer[] {
  const built = createFraming(framing.name, framing);
  const edges = [0, 1, 2, 127, 128, 253, 254, 255, 256, 300, 16_383, 16_384, 65_533, 65_535, 65_536, 70_000];
  const random = fc.sample(fc.uint8Array({ maxLength: 400 }), { numRuns: 30, seed: 25 });
  const payloads = [
    ...edges.map((size) => new Uint8Array(size).map((_, index) => (index * 131 + size) % 256)),
    ...random,
  ]
    .map((bytes) => Buffer.from(bytes))
    .filter((payload) => payload.length <= built.largestPayloadBytes);
  // Lines cannot hold LF: it becomes CR, so crlf lines carry CRs inside and at their ends.
  return framing.name === "line"
    ? payloads.map((payload) => Buffer.from(payload.map((byte) => (byte === 0x0a ? 0x0d : byte))))
    : payloads;
}

/** Complete streams each framing must refuse, with a max frame of 1000 bytes. */
function malformedStreams(framing: FramingUnderTest): string[] {
  switch (framing.name) {
    case "length": {
      const width = framing.lengthBytes as number;
      const counted = framing.lengthCounts === "frame" ? width : 0;
      const header = (value: number) => {
        const bytes = Buffer.alloc(8);
        if (framing.lengthEndian === "little") bytes.writeBigUInt64LE(BigInt(value));
        else bytes.writeBigUInt64BE(BigInt(value));
        return framing.lengthEndian === "little" ? bytes.subarray(0, width) : bytes.subarray(8 - width);
      };
      const over = width === 1 ? [] : [Buffer.concat([header(1001 + counted), Buffer.alloc(1001, 1)])];
      const below = counted > 0 ? [header(counted - 1)] : [];
      return [...over, ...below].map((stream) => stream.toString("hex"));
    }
    case "varint":
      // Above max frame; not the shortest form (2 as 82 00); more than 10 bytes.
      return [`e907${"01".repeat(1001)}`, "820061", `${"80".repeat(10)}01`];
    default:
      return [
        `${"61".repeat(1001)}${framing.lineEnding === "crlf" ? "0d" : ""}0a`,
        ...(framing.lineEnding === "crlf" ? ["610d0a620a"] : []),
      ];
  }
}

describe("the Python peer of the length, varint and line framings", () => {
  it("encodes byte for byte as ours, and each side decodes the other's stream, however cut", () => {
    const cases = FRAMINGS.map((framing) => {
      const ours = createFraming(framing.name, framing);
      const payloads = payloadsFor(framing);
      return { framing, payloads, ourStream: encodeAll(ours, payloads) };
    });
    const answers = askPeer(
      cases.map(({ framing, payloads, ourStream }) => ({
        framing,
        encode: payloads.map((payload) => payload.toString("hex")),
        decode: [ourStream.toString("hex")],
      })),
    );
    cases.forEach(({ framing, payloads, ourStream }, index) => {
      const answer = answers[index] as PeerAnswer;
      const label = describeFraming(framing);
      const payloadsHex = payloads.map((payload) => payload.toString("hex"));
      expect(answer.encoded === ourStream.toString("hex"), `${label}: the peer's bytes`).toBe(true);
      expect(answer.decoded[0], `${label}: the peer decoding ours`).toEqual({ payloads: payloadsHex });
      const peerStream = Buffer.from(answer.encoded, "hex");
      for (const sizes of [[peerStream.length], [1, 2, 3], [1000, 7]]) {
        const decoded = decodeChunks(
          createFraming(framing.name, framing).createDecoder(),
          cutBySizes(peerStream, sizes),
        );
        expect(
          decoded.map((frame) => Buffer.from(frame).toString("hex")),
          `${label}: ours decoding the peer's`,
        ).toEqual(payloadsHex);
      }
    });
  }, 60_000);

  it("refuses the same malformed streams as ours", () => {
    const cases = FRAMINGS.map((framing) => ({
      framing: { ...framing, maxFrameBytes: 1000 },
      streams: malformedStreams(framing),
    }));
    const answers = askPeer(cases.map(({ framing, streams }) => ({ framing, encode: [], decode: streams })));
    let refusals = 0;
    cases.forEach(({ framing, streams }, index) => {
      streams.forEach((stream, streamIndex) => {
        const label = `${describeFraming(framing)}: ${stream.slice(0, 24)}`;
        expect((answers[index] as PeerAnswer).decoded[streamIndex], `${label} (peer)`).toHaveProperty(
          "refused",
        );
        const decoder = createFraming(framing.name, framing).createDecoder();
        expect(() => decoder.push(Buffer.from(stream, "hex")), `${label} (ours)`).toThrow();
        refusals++;
      });
    });
    expect(refusals).toBeGreaterThan(20);
  });
});
