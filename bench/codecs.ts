// `npm run bench:codecs [-- --json]`: our framing decoders and encoders beside peer libraries, on the
// same payloads cut into the same chunks, timed with tinybench. Every implementation is verified once
// (frame count and bytes, outside the timing) before it is timed, so broken code is never compared.
//
// Fair-comparison notes, also printed with the tables (one per direction):
// - bytes/s counts payload bytes, so wire formats with different overheads compare on the same work.
// - decoding, like with like: ours hands over one contiguous Buffer per frame; it-length-prefixed hands
//   over a list of views, so it is ranked in a variant that makes each frame contiguous (its views row is
//   printed beside, unranked).
// - encoding, frames/s: an encoder that passes the payload through (views) works per frame, whatever the
//   frame's size; bytes/s is printed only for encoders that copy.
// - length: ours is a 4-byte big-endian prefix; protobufjs, it-length-prefixed and length-prefixed-stream
//   use an unsigned varint prefix (1-4 bytes here). Each decodes its own format. The varint rows run the
//   same peers on the same bytes as ours: like for like.
// - eof and line: ours run with "\n" here (eof's token; line's default ending), the delimiter of split2
//   and node:readline. Those two hand over strings (they decode UTF-8), ours Buffers; it-length-prefixed
//   hands over Uint8ArrayLists (views, never a copy), ours one contiguous Buffer per frame.
// - protobufjs has no streaming reader: it is driven as its users drive one over a socket, whole frames
//   read from the bytes at hand and a frame that needs more gathered until it can be read.
// - length u32le and u16le (--length-endian little, --length-bytes 2), fixed and naive have no peers:
//   their rows are ours alone; a u16 prefix carries no 1 MiB or 16 MiB frame, so it has no large rows.
// - a peer whose single verification pass does not finish within VERIFY_BUDGET_MS is reported as skipped
//   rather than timed: split2 re-splits its whole pending line on every chunk, so its cost grows with the
//   square of the frame size (minutes for 16 MiB).
// - anchor: allocating a frame-sized Buffer and copying the chunks into it, the least any decoder that
//   hands over contiguous frames does. Its huge/large ratio is the memory system's alone: 16 MiB of
//   input no longer fits in cache, and a new 16 MiB buffer may land on fresh pages (glibc returns freed
//   big blocks to the kernel; in this Firecracker VM a fresh 4 KiB page cost 5-20 us). A decoder
//   whose huge/large ratio tracks the anchor's and the peers' is linear; a quadratic one (split2) cannot
//   finish the huge case at all.

import os from "node:os";
import Table from "cli-table3";
import { Bench } from "tinybench";
import {
  CODEC_NAMES,
  type CodecName,
  type DecodedFrame,
  type DecoderUnderTest,
  decodersFor,
  type EncodedPiece,
  type EncoderUnderTest,
  encodersFor,
  OURS,
} from "./codec-implementations.js";
import {
  cutIntoChunks,
  makePayloads,
  naiveReads,
  SCENARIOS,
  type Scenario,
  type ScenarioName,
  type WireFormat,
  wireBytes,
} from "./codec-inputs.js";

type Direction = "decode" | "encode";

/** One verification pass longer than this marks the implementation skipped for that scenario. */
const VERIFY_BUDGET_MS = 1000;
/**
 * Each case runs for TASK_TIME_MS in each of ROUNDS rounds and keeps its fastest round: on a shared
 * machine, other load only ever slows a case down, so the fastest round is the least disturbed.
 */
const TASK_TIME_MS = 200;
const ROUNDS = 3;

/** Not a codec: the anchor rows, timed beside the codecs (see the header). */
const ANCHOR = "anchor";

interface CaseId {
  readonly direction: Direction;
  readonly codec: CodecName | typeof ANCHOR;
  readonly scenario: ScenarioName;
  readonly implementation: string;
}

interface TimedCase extends CaseId {
  /** Decoders: frames handed over as lists of views; encoders: the payloads passed through, not copied. */
  readonly handsOverViews: boolean;
  readonly run: () => unknown;
  readonly isAsync: boolean;
  /** Payload bytes and frames one call of `run` handles. */
  readonly payloadBytes: number;
  readonly frames: number;
}

interface Measurement extends CaseId {
  readonly handsOverViews: boolean;
  readonly bytesPerSec: number;
  readonly framesPerSec: number;
}

interface Skipped extends CaseId {
  readonly reason: string;
}

class VerificationFailure extends Error {}

function describe(id: CaseId): string {
  return `${id.direction} ${id.codec} ${id.scenario} ${id.implementation}`;
}

/** Stops a verification pass's input once its time budget is spent, and remembers that it did. */
class PassBudget {
  private readonly startMs = performance.now();
  exhausted = false;

  *limit<T>(items: Iterable<T>): Generator<T> {
    for (const item of items) {
      if (performance.now() - this.startMs > VERIFY_BUDGET_MS) {
        this.exhausted = true;
        return;
      }
      yield item;
    }
  }
}

function isPromise(value: unknown): value is Promise<void> {
  return value instanceof Promise;
}

function asBuffer(piece: DecodedFrame | EncodedPiece): Buffer {
  if (typeof piece === "string") return Buffer.from(piece, "latin1");
  if (piece instanceof Uint8Array) return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  return Buffer.from(piece.subarray());
}

/**
 * Runs `pass` once within the time budget; returns whether it finished (and whether it was async),
 * rethrowing its errors unless the budget cut its input short.
 */
async function runVerificationPass(
  pass: (budget: PassBudget) => unknown,
): Promise<{ finished: boolean; isAsync: boolean }> {
  const budget = new PassBudget();
  let isAsync = false;
  try {
    const result = pass(budget);
    isAsync = isPromise(result);
    await result;
  } catch (error) {
    if (!budget.exhausted) throw error;
  }
  return { finished: !budget.exhausted, isAsync };
}

/** Whether an encoder's output piece is (or holds) the payload itself, not a copy of it. */
function sharesMemory(piece: EncodedPiece, payload: Buffer): boolean {
  const views: Uint8Array[] = piece instanceof Uint8Array ? [piece] : [...piece];
  return views.some(
    (view) =>
      view.buffer === payload.buffer &&
      view.byteOffset === payload.byteOffset &&
      view.byteLength === payload.byteLength,
  );
}

function compareFrames(id: CaseId, actual: readonly Buffer[], expected: readonly Buffer[]): void {
  if (actual.length !== expected.length) {
    throw new VerificationFailure(`${describe(id)}: ${actual.length} frames, expected ${expected.length}`);
  }
  actual.forEach((frame, index) => {
    if (!frame.equals(expected[index] as Buffer)) {
      throw new VerificationFailure(`${describe(id)}: frame ${index} differs from the payload sent`);
    }
  });
}

class CaseBuilder {
  readonly timed: TimedCase[] = [];
  readonly skipped: Skipped[] = [];
  /** Chunked wire bytes per format, built once per scenario. */
  private chunksByFormat = new Map<WireFormat, Buffer[]>();

  constructor(
    private readonly scenario: Scenario,
    private readonly payloads: readonly Buffer[],
  ) {}

  private chunks(format: WireFormat): Buffer[] {
    let chunks = this.chunksByFormat.get(format);
    if (chunks === undefined) {
      const wire = wireBytes(format, this.payloads, this.scenario.frameBytes);
      chunks = cutIntoChunks(wire, this.scenario.chunkBytes);
      this.chunksByFormat.set(format, chunks);
    }
    return chunks;
  }

  async addDecoder(codec: CodecName, decoder: DecoderUnderTest): Promise<void> {
    const id: CaseId = {
      direction: "decode",
      codec,
      scenario: this.scenario.name,
      implementation: decoder.implementation,
    };
    const chunks = this.chunks(decoder.format);
    const expected = codec === "naive" ? naiveReads(chunks) : this.payloads;
    const frames: DecodedFrame[] = [];
    const pass = await runVerificationPass((budget) =>
      decoder.decode(budget.limit(chunks), (frame) => frames.push(frame)),
    );
    if (!pass.finished) {
      this.skipped.push({ ...id, reason: `one pass did not finish within ${VERIFY_BUDGET_MS / 1000} s` });
      return;
    }
    compareFrames(id, frames.map(asBuffer), expected);
    const frameCount = expected.length;
    const countFrames = (count: number) => {
      if (count !== frameCount)
        throw new VerificationFailure(`${describe(id)}: ${count} frames in a timed run`);
    };
    const run = pass.isAsync
      ? async () => {
          let count = 0;
          await decoder.decode(chunks, () => count++);
          countFrames(count);
        }
      : () => {
          let count = 0;
          decoder.decode(chunks, () => count++);
          countFrames(count);
        };
    this.timed.push({
      ...id,
      handsOverViews: !decoder.contiguous,
      run,
      isAsync: pass.isAsync,
      payloadBytes: expected.reduce((sum, frame) => sum + frame.length, 0),
      frames: frameCount,
    });
  }

  /** The anchor (see the header), for scenarios whose frames span chunks. */
  addAnchor(): void {
    const { frameBytes, chunkBytes, name } = this.scenario;
    if (frameBytes <= chunkBytes) return;
    const chunks = this.chunks("raw");
    const copyIntoNewFrame = () => {
      const frame = Buffer.allocUnsafe(frameBytes);
      let written = 0;
      for (const chunk of chunks) {
        frame.set(chunk, written);
        written += chunk.length;
      }
      return frame;
    };
    if (!copyIntoNewFrame().equals(this.payloads[0] as Buffer)) {
      throw new VerificationFailure(`anchor ${name}: the copy differs from the payload`);
    }
    this.timed.push({
      direction: "decode",
      codec: ANCHOR,
      scenario: name,
      implementation: "alloc+copy",
      handsOverViews: false,
      run: copyIntoNewFrame,
      isAsync: false,
      payloadBytes: frameBytes,
      frames: 1,
    });
  }

  async addEncoder(codec: CodecName, encoder: EncoderUnderTest): Promise<void> {
    const id: CaseId = {
      direction: "encode",
      codec,
      scenario: this.scenario.name,
      implementation: encoder.implementation,
    };
    const pieces: EncodedPiece[] = [];
    const pass = await runVerificationPass((budget) =>
      encoder.encode(budget.limit(this.payloads), (piece) => pieces.push(piece)),
    );
    if (!pass.finished) {
      this.skipped.push({ ...id, reason: `one pass did not finish within ${VERIFY_BUDGET_MS / 1000} s` });
      return;
    }
    const expectedWire = wireBytes(encoder.format, this.payloads, this.scenario.frameBytes);
    if (!Buffer.concat(pieces.map(asBuffer)).equals(expectedWire)) {
      throw new VerificationFailure(
        `${describe(id)}: encoded bytes differ from the ${encoder.format} format`,
      );
    }
    if (encoder.implementation === OURS && !this.payloads.every((payload) => pieces.includes(payload))) {
      throw new VerificationFailure(`${describe(id)}: a payload was copied instead of passed through`);
    }
    // Large payloads repeat one buffer: an encoder that does not copy pays per frame, not per byte.
    const batch = Array.from({ length: this.scenario.encodeFrames }, (_, index) => {
      return this.payloads[index % this.payloads.length] as Buffer;
    });
    // The timed runs count pieces without touching them: reading each piece's size there made the
    // harness's own callback polymorphic (Buffers and Uint8ArrayLists) and cost it-length-prefixed 3-5x.
    let batchPieces = 0;
    await encoder.encode(batch, () => {
      batchPieces++;
    });
    const checkPieces = (pieces: number) => {
      if (pieces !== batchPieces) {
        throw new VerificationFailure(
          `${describe(id)}: ${pieces} pieces in a timed run, ${batchPieces} before`,
        );
      }
    };
    const run = pass.isAsync
      ? async () => {
          let pieces = 0;
          await encoder.encode(batch, () => {
            pieces++;
          });
          checkPieces(pieces);
        }
      : () => {
          let pieces = 0;
          encoder.encode(batch, () => {
            pieces++;
          });
          checkPieces(pieces);
        };
    this.timed.push({
      ...id,
      handsOverViews: this.payloads.every((payload) => pieces.some((piece) => sharesMemory(piece, payload))),
      run,
      isAsync: pass.isAsync,
      payloadBytes: batch.length * this.scenario.frameBytes,
      frames: batch.length,
    });
  }
}

async function buildCases(): Promise<{ timed: TimedCase[]; skipped: Skipped[] }> {
  const timed: TimedCase[] = [];
  const skipped: Skipped[] = [];
  for (const scenario of SCENARIOS) {
    const builder = new CaseBuilder(scenario, makePayloads(scenario.decodeFrames, scenario.frameBytes));
    for (const codec of CODEC_NAMES) {
      for (const decoder of decodersFor(codec, scenario)) await builder.addDecoder(codec, decoder);
      for (const encoder of encodersFor(codec, scenario)) await builder.addEncoder(codec, encoder);
    }
    builder.addAnchor();
    timed.push(...builder.timed);
    skipped.push(...builder.skipped);
  }
  return { timed, skipped };
}

/** The shortest mean time per call of each case over ROUNDS tinybench runs, in milliseconds. */
async function fastestPeriods(cases: readonly TimedCase[], progress: boolean): Promise<number[]> {
  const periods = cases.map(() => Number.POSITIVE_INFINITY);
  for (let round = 1; round <= ROUNDS; round++) {
    if (progress) process.stderr.write(`round ${round} of ${ROUNDS}\n`);
    const bench = new Bench({
      time: TASK_TIME_MS,
      iterations: 4,
      warmupTime: 50,
      warmupIterations: 2,
      throws: true,
    });
    for (const timedCase of cases) {
      bench.add(describe(timedCase), timedCase.run, { async: timedCase.isAsync });
    }
    await bench.run();
    cases.forEach((timedCase, index) => {
      const result = bench.tasks[index]?.result;
      if (result === undefined || !("period" in result)) {
        throw new Error(`${describe(timedCase)}: no result (${result?.state ?? "missing"})`);
      }
      periods[index] = Math.min(periods[index] as number, result.period);
    });
  }
  return periods;
}

async function measure(cases: readonly TimedCase[], progress: boolean): Promise<Measurement[]> {
  const periods = await fastestPeriods(cases, progress);
  return cases.map((timedCase, index) => {
    const callsPerSec = 1000 / (periods[index] as number);
    return {
      direction: timedCase.direction,
      codec: timedCase.codec,
      scenario: timedCase.scenario,
      implementation: timedCase.implementation,
      handsOverViews: timedCase.handsOverViews,
      bytesPerSec: timedCase.payloadBytes * callsPerSec,
      framesPerSec: timedCase.frames * callsPerSec,
    };
  });
}

/** The cases that compete: one direction, codec and scenario. */
type GroupId = Omit<CaseId, "implementation">;

function sameGroup(a: GroupId, b: GroupId): boolean {
  return a.direction === b.direction && a.codec === b.codec && a.scenario === b.scenario;
}

/**
 * The fastest peer in a group. Decoding, like with like: ours hands over contiguous frames, so a peer
 * that hands over lists of views competes in its contiguous variant (its views row is shown, not ranked).
 * Encoding, every implementation encodes the same frames, so frames/s ranks them whatever they output.
 */
function bestPeer(measurements: readonly Measurement[], id: GroupId): Measurement | undefined {
  let best: Measurement | undefined;
  for (const candidate of measurements) {
    if (!sameGroup(candidate, id) || candidate.implementation === OURS || candidate.codec === ANCHOR)
      continue;
    if (candidate.direction === "decode" && candidate.handsOverViews) continue;
    if (best === undefined || candidate.bytesPerSec > best.bytesPerSec) best = candidate;
  }
  return best;
}

function find(measurements: readonly Measurement[], id: GroupId, implementation: string) {
  return measurements.find((m) => sameGroup(m, id) && m.implementation === implementation);
}

const formatNumber = (value: number, digits: number) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const formatRatio = (ratio: number) => `${formatNumber(ratio, 2)}×`;

function sortRows<T extends CaseId>(rows: T[]): T[] {
  const order = (id: CaseId) =>
    [
      id.codec === ANCHOR ? CODEC_NAMES.length : CODEC_NAMES.indexOf(id.codec),
      SCENARIOS.findIndex((s) => s.name === id.scenario),
    ] as const;
  return rows.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1];
  });
}

function anchorOf(measurements: readonly Measurement[], scenario: ScenarioName): Measurement | undefined {
  return find(measurements, { direction: "decode", codec: ANCHOR, scenario }, "alloc+copy");
}

/** One direction's rows in a table: the case's codec, scenario and implementation, then `cells`. */
function printDirectionTable(
  direction: Direction,
  columns: string[],
  cells: (row: Measurement) => string[],
  measurements: readonly Measurement[],
  skipped: readonly Skipped[],
): void {
  const table = new Table({
    head: [direction, "scenario", "implementation", ...columns],
    style: { head: [], border: [] },
    colAligns: ["left", "left", "left", ...columns.map(() => "right" as const)],
  });
  const rows = sortRows<Measurement | Skipped>(
    [...measurements, ...skipped].filter((row) => row.direction === direction),
  );
  for (const row of rows) {
    const head = [row.codec, row.scenario, row.implementation];
    if ("reason" in row)
      table.push([...head, { colSpan: columns.length, content: `skipped: ${row.reason}` }]);
    else table.push([...head, ...cells(row)]);
  }
  console.log(table.toString());
}

/**
 * Decoders: MB/s and frames/s; against the best like-for-like peer and, where frames span chunks,
 * against the allocate-and-copy anchor, the ceiling for any decoder handing over contiguous frames.
 */
function printDecodeTable(measurements: readonly Measurement[], skipped: readonly Skipped[]): void {
  const cells = (row: Measurement) => {
    const best = bestPeer(measurements, row);
    const anchor = anchorOf(measurements, row.scenario);
    return [
      formatNumber(row.bytesPerSec / 1e6, 1),
      formatNumber(row.framesPerSec, 0),
      best
        ? `${formatRatio(row.bytesPerSec / best.bytesPerSec)}${row.handsOverViews ? " (views)" : ""}`
        : "n/a",
      anchor && row.codec !== ANCHOR ? formatRatio(row.bytesPerSec / anchor.bytesPerSec) : "",
    ];
  };
  const columns = ["MB/s", "frames/s", "vs best peer", "vs copy ceiling"];
  printDirectionTable("decode", columns, cells, measurements, skipped);
}

/**
 * Encoders: frames/s. One that passes the payload through (views) does work per frame, not per byte,
 * so bytes/s would only measure the frame size; MB/s is shown for encoders that copy the payload.
 */
function printEncodeTable(measurements: readonly Measurement[], skipped: readonly Skipped[]): void {
  const cells = (row: Measurement) => {
    const best = bestPeer(measurements, row);
    return [
      row.handsOverViews ? "views" : "copies",
      formatNumber(row.framesPerSec, 0),
      row.handsOverViews ? "-" : formatNumber(row.bytesPerSec / 1e6, 1),
      best ? formatRatio(row.framesPerSec / best.framesPerSec) : "n/a",
    ];
  };
  const columns = ["output", "frames/s", "MB/s", "vs best peer"];
  printDirectionTable("encode", columns, cells, measurements, skipped);
}

const GOAL_RATIO = 1.5;
/** Decoding one 1 MiB frame: within this factor of the allocate-and-copy ceiling. */
const CEILING_GOAL_RATIO = 1.2;

/** One line per scenario with ours against the best peer, and per codec the huge/large linearity of each decoder. */
function printSummary(measurements: readonly Measurement[]): void {
  const anchorLarge = anchorOf(measurements, "large");
  const anchorHuge = anchorOf(measurements, "huge");
  const anchorRatio =
    anchorLarge && anchorHuge ? anchorHuge.bytesPerSec / anchorLarge.bytesPerSec : undefined;
  for (const direction of ["decode", "encode"] as const) {
    for (const codec of CODEC_NAMES) {
      const label = `${direction} ${codec}`;
      for (const scenario of SCENARIOS) {
        const group = { direction, codec, scenario: scenario.name };
        const ours = find(measurements, group, OURS);
        const best = bestPeer(measurements, group);
        if (ours === undefined || best === undefined) continue;
        const ratio = ours.bytesPerSec / best.bytesPerSec;
        // The goal is the decoders' (issue 14); encoders are reported beside their peers.
        const goal =
          direction === "decode" ? `; goal ${GOAL_RATIO}×: ${ratio >= GOAL_RATIO ? "met" : "NOT met"}` : "";
        console.log(
          `${label} ${scenario.name}: sockbench ${formatRatio(ratio)} the best peer (${best.implementation})${goal}`,
        );
      }
      const ours = find(measurements, { direction, codec, scenario: "large" }, OURS);
      if (direction === "decode" && ours !== undefined && anchorLarge !== undefined) {
        const ratio = anchorLarge.bytesPerSec / ours.bytesPerSec;
        console.log(
          `${label} large: the copy ceiling is ${formatRatio(ratio)} sockbench; goal within ${CEILING_GOAL_RATIO}×: ${ratio <= CEILING_GOAL_RATIO ? "met" : "NOT met"}`,
        );
      }
      if (direction !== "decode") continue;
      const linearity: string[] = [];
      for (const large of measurements) {
        if (!sameGroup(large, { direction, codec, scenario: "large" })) continue;
        const huge = find(measurements, { direction, codec, scenario: "huge" }, large.implementation);
        if (huge === undefined) continue;
        linearity.push(`${large.implementation} ${formatNumber(huge.bytesPerSec / large.bytesPerSec, 2)}`);
      }
      if (linearity.length > 0) {
        console.log(`${label} huge/large bytes/s (1.00 = linear): ${linearity.join(", ")}`);
      }
    }
  }
  if (anchorRatio !== undefined) {
    console.log(
      `anchor alloc+copy huge/large bytes/s: ${formatNumber(anchorRatio, 2)} (the memory system alone: 16 MiB no longer fits in cache, and a new 16 MiB buffer may land on fresh pages)`,
    );
  }
}

function parseArguments(args: readonly string[]): { json: boolean } {
  const unknown = args.filter((arg) => arg !== "--json");
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown.join(" ")}: the only option is --json`);
    process.exit(2);
  }
  return { json: args.includes("--json") };
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg()[0] ?? 0;
  return `${cpus.length} cores (${cpus[0]?.model ?? "unknown cpu"}), Node ${process.version}, load average ${load.toFixed(2)}`;
}

async function main(): Promise<void> {
  const { json } = parseArguments(process.argv.slice(2));
  const startMachine = machine();
  if (!json) console.error(`codec benchmarks on ${startMachine}: verifying every implementation...`);
  const { timed, skipped } = await buildCases();
  if (!json)
    console.error(`timing ${timed.length} cases, best of ${ROUNDS} rounds of ${TASK_TIME_MS} ms each`);
  const measurements = await measure(timed, !json);
  if (json) {
    const rows = measurements
      .filter((m) => m.codec !== ANCHOR)
      .map((m) => ({
        direction: m.direction,
        codec: m.codec,
        scenario: m.scenario,
        implementation: m.implementation,
        bytesPerSec: Math.round(m.bytesPerSec),
        framesPerSec: Math.round(m.framesPerSec),
      }));
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(`machine at start: ${startMachine}; at end: load average ${os.loadavg()[0]?.toFixed(2)}`);
  console.log(
    `MB/s = 10^6 payload bytes per second, best of ${ROUNDS} rounds of ${TASK_TIME_MS} ms. Length prefix: ours 4 bytes big-endian, the peers' a varint (the varint rows: ours a varint too).`,
  );
  console.log(
    'eof runs with the token "\\n" here and line with its LF, the delimiter of split2 and node:readline (which hand over strings).',
  );
  console.log(
    "Frames handed over: ours a contiguous Buffer (a copy when it spans chunks), it-length-prefixed a Uint8ArrayList of views (never a copy), ranked in its contiguous variant (list.subarray()).",
  );
  printDecodeTable(measurements, skipped);
  printEncodeTable(measurements, skipped);
  printSummary(measurements);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
