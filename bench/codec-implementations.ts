// The decoders and encoders under test, ours and the peers', behind one shape so that every one gets
// the same inputs and is timed and verified the same way. Stream-based peers are driven as their
// users drive them: chunks written (awaiting 'drain'), frames counted from 'data' events, the end awaited.

import { once } from "node:events";
import { createInterface } from "node:readline";
import { Readable, type Transform } from "node:stream";
import * as itLengthPrefixed from "it-length-prefixed";
import lengthPrefixedStream from "length-prefixed-stream";
import protobuf from "protobufjs/minimal.js";
import split2 from "split2";
import type { Uint8ArrayList } from "uint8arraylist";
import type { Framing, FramingName, FramingOptions } from "../src/framing/framing.js";
import { createFraming } from "../src/framing/registry.js";
import type { Scenario, WireFormat } from "./codec-inputs.js";

export type CodecName =
  | "eof"
  | "line"
  | "length"
  | "length u32le"
  | "length u16le"
  | "varint"
  | "fixed"
  | "naive";
export const CODEC_NAMES: readonly CodecName[] = [
  "eof",
  "line",
  "length",
  "length u32le",
  "length u16le",
  "varint",
  "fixed",
  "naive",
];
export const OURS = "sockbench";

/** A decoded frame as each implementation hands it over: ours a Buffer, it-length-prefixed a list (or, made contiguous, a Uint8Array), lines a string. */
export type DecodedFrame = Uint8Array | Uint8ArrayList | string;
/** One piece of encoder output. */
export type EncodedPiece = Uint8Array | Uint8ArrayList;

export interface DecoderUnderTest {
  readonly implementation: string;
  readonly format: WireFormat;
  /**
   * Whether each frame is handed over as one contiguous buffer (or string). A list of views (it-length-
   * prefixed) skips the copy a contiguous frame needs, so it is compared like with like only once made
   * contiguous, which its "contiguous" variant does.
   */
  readonly contiguous: boolean;
  /** Feeds every chunk, calls onFrame per decoded frame, and returns (or resolves) once the input is consumed. */
  decode(chunks: Iterable<Buffer>, onFrame: (frame: DecodedFrame) => void): void | Promise<void>;
}

export interface EncoderUnderTest {
  readonly implementation: string;
  readonly format: WireFormat;
  encode(payloads: Iterable<Buffer>, onPiece: (piece: EncodedPiece) => void): void | Promise<void>;
}

/** Frames must fit the peers' limits: it-length-prefixed refuses more than 4 MiB unless told. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/** Our framing behind each codec row, with its options, and the format it writes. */
const OUR_CODECS: Record<CodecName, { framing: FramingName; options?: FramingOptions; format: WireFormat }> =
  {
    eof: { framing: "eof", format: "newline" },
    line: { framing: "line", format: "newline" },
    length: { framing: "length", format: "u32be" },
    "length u32le": { framing: "length", options: { lengthEndian: "little" }, format: "u32le" },
    "length u16le": {
      framing: "length",
      options: { lengthBytes: 2, lengthEndian: "little" },
      format: "u16le",
    },
    varint: { framing: "varint", format: "varint" },
    fixed: { framing: "fixed", format: "fixed" },
    naive: { framing: "naive", format: "raw" },
  };

/** Our framing for `codec`, or undefined when the scenario's frames do not fit it (1 MiB under a u16 prefix). */
function ourFraming(codec: CodecName, scenario: Scenario): Framing | undefined {
  const { framing, options } = OUR_CODECS[codec];
  const built = createFraming(framing, {
    ...options,
    // "\n" rather than the default "<EOF>": the line-splitting peers cut on "\n".
    token: Buffer.from("\n"),
    recordSize: scenario.frameBytes,
    maxFrameBytes: MAX_FRAME_BYTES,
  });
  return built.largestPayloadBytes >= scenario.frameBytes ? built : undefined;
}

/** Writes every item to a stream as a producer honouring backpressure would, then ends it. */
async function writeAll(stream: Transform, items: Iterable<Buffer>): Promise<void> {
  const ended = new Promise<void>((resolve, reject) => {
    stream.once("end", resolve);
    stream.once("error", reject);
  });
  for (const item of items) {
    if (!stream.write(item)) await once(stream, "drain");
  }
  stream.end();
  await ended;
}

/** The peers that decode varint-prefixed frames: protobuf's own format, so the varint row's like for like. */
function varintPeerDecoders(): DecoderUnderTest[] {
  return [
    {
      implementation: "protobufjs",
      format: "varint",
      contiguous: true,
      decode(chunks, onFrame) {
        // As a user drives protobufjs's Reader over a stream (it has no streaming API): whole frames are
        // read from the bytes at hand; a frame that needs more waits, its chunks gathered and joined once.
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        let neededBytes = 0;
        for (const chunk of chunks) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < neededBytes) continue;
          const buffer = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
          const reader = protobuf.Reader.create(buffer);
          let consumed = 0;
          neededBytes = 0;
          while (reader.pos < buffer.length) {
            consumed = reader.pos;
            let length: number;
            try {
              length = reader.uint32();
            } catch {
              break; // a varint cut by the chunk's end
            }
            if (reader.pos + length > buffer.length) {
              neededBytes = reader.pos + length - consumed;
              break;
            }
            reader.pos = consumed;
            onFrame(reader.bytes());
            consumed = reader.pos;
          }
          const rest = buffer.subarray(consumed);
          pending = rest.length > 0 ? [rest] : [];
          pendingBytes = rest.length;
        }
      },
    },
    {
      implementation: "it-length-prefixed",
      format: "varint",
      contiguous: false,
      decode(chunks, onFrame) {
        for (const frame of itLengthPrefixed.decode(chunks, { maxDataLength: MAX_FRAME_BYTES })) {
          onFrame(frame);
        }
      },
    },
    {
      implementation: "it-length-prefixed contiguous",
      format: "varint",
      contiguous: true,
      decode(chunks, onFrame) {
        // subarray(): the list's views as one Uint8Array (a view when there is one, a copy otherwise).
        for (const frame of itLengthPrefixed.decode(chunks, { maxDataLength: MAX_FRAME_BYTES })) {
          onFrame(frame.subarray());
        }
      },
    },
    {
      implementation: "length-prefixed-stream",
      format: "varint",
      contiguous: true,
      async decode(chunks, onFrame) {
        const stream = lengthPrefixedStream.decode();
        stream.on("data", onFrame);
        await writeAll(stream, chunks);
      },
    },
  ];
}

/** The peers that split lines on "\n", handing over strings. */
function lineSplittingPeerDecoders(): DecoderUnderTest[] {
  return [
    {
      implementation: "split2",
      format: "newline",
      contiguous: true,
      async decode(chunks, onFrame) {
        // A string matcher: split2's fastest setting, and the same delimiter as ours.
        const stream = split2("\n");
        stream.on("data", onFrame);
        await writeAll(stream, chunks);
      },
    },
    {
      implementation: "node:readline",
      format: "newline",
      contiguous: true,
      async decode(chunks, onFrame) {
        const lines = createInterface({
          input: Readable.from(chunks),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        lines.on("line", onFrame);
        await once(lines, "close");
      },
    },
  ];
}

export function decodersFor(codec: CodecName, scenario: Scenario): DecoderUnderTest[] {
  const framing = ourFraming(codec, scenario);
  if (framing === undefined) return [];
  const ours: DecoderUnderTest = {
    implementation: OURS,
    format: OUR_CODECS[codec].format,
    contiguous: true,
    decode(chunks, onFrame) {
      const decoder = framing.createDecoder();
      for (const chunk of chunks) for (const frame of decoder.push(chunk)) onFrame(frame);
    },
  };
  switch (codec) {
    // length's peers write a varint prefix, not ours: each decodes its own format (see codecs.ts).
    case "length":
    case "varint":
      return [ours, ...varintPeerDecoders()];
    case "eof":
    case "line":
      return [ours, ...lineSplittingPeerDecoders()];
    default:
      return [ours];
  }
}

export function encodersFor(codec: CodecName, scenario: Scenario): EncoderUnderTest[] {
  const framing = ourFraming(codec, scenario);
  if (framing === undefined) return [];
  const ours: EncoderUnderTest = {
    implementation: OURS,
    format: OUR_CODECS[codec].format,
    encode(payloads, onPiece) {
      for (const payload of payloads) for (const piece of framing.encode(payload)) onPiece(piece);
    },
  };
  if (codec !== "length" && codec !== "varint") return [ours];
  return [
    ours,
    {
      implementation: "protobufjs",
      format: "varint",
      encode(payloads, onPiece) {
        // Writer.bytes: the varint length, then the bytes (writeDelimitedTo of a bytes message).
        for (const payload of payloads) onPiece(protobuf.Writer.create().bytes(payload).finish());
      },
    },
    {
      implementation: "it-length-prefixed",
      format: "varint",
      encode(payloads, onPiece) {
        for (const payload of payloads) {
          onPiece(itLengthPrefixed.encode.single(payload, { maxDataLength: MAX_FRAME_BYTES }));
        }
      },
    },
    {
      implementation: "length-prefixed-stream",
      format: "varint",
      async encode(payloads, onPiece) {
        const stream = lengthPrefixedStream.encode();
        stream.on("data", onPiece);
        await writeAll(stream, payloads);
      },
    },
  ];
}
