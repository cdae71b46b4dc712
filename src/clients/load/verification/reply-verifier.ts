// Matches one connection's replies to its requests, in order, and says what went wrong when they differ.
//
// --verify none: any whole frame answers the oldest request.
// An expectation's judge (an expect module without an exact reply): the judge's verdict, else corrupted.
// --verify echo (and hello, sum, and expect modules that give the exact reply): a reply must equal the
// expected reply byte for byte (one memcmp; for echo the request itself). When it does not, the echo
// header (sequence number, connection id, size, check) names the mismatch:
// - lost: a later request was answered first and the skipped one never came within the timeout;
// - reordered: a skipped request's reply came after all;
// - duplicated: a reply to a request already answered (or with nothing outstanding);
// - merged: one frame holds the request's bytes and then more (two replies run together);
// - split: the request's bytes arrived as two or more frames;
// - corrupted: anything else (wrong bytes, wrong length, another connection's request).
// Payloads shorter than the header (and --message payloads) carry no ids: they are checked byte for
// byte and by length (merged, split), but a lost, duplicated or reordered reply shows only as corrupted.

import { checksReplies, type Expectation } from "../../../apps/expectation.js";
import type { MismatchKind } from "../../../results/load-result.js";
import type { EchoPayloadCodec } from "./echo-payload.js";
import type { ErrorEvidence } from "./error-evidence.js";
import type { RequestQueue } from "./request-queue.js";

/** Where the verdicts go (the run's LoadStats), which also says which requests are measured. */
export interface VerdictRecorder {
  /** Replies received: those a merged reply carried count here too. */
  received: number;
  isMeasured(timeUs: number): boolean;
  recordVerified(intendedUs: number, sentUs: number, nowUs: number, lane: number): void;
  recordMismatch(kind: MismatchKind, detail: string, withReply: boolean, evidence?: ErrorEvidence): void;
}

/** Requests skipped by a later reply: kept until they turn up late (reordered) or time out (lost). */
interface MissingRequest {
  sentUs: number;
  measured: boolean;
  sizeBytes: number;
}

const MAX_MISSING = 4096;

export class ReplyVerifier {
  private partial: Buffer | undefined;
  private readonly missing = new Map<number, MissingRequest>();
  private readonly checksReplies: boolean;
  private readonly judge: Expectation["judge"];

  /** The queue keeps, per request, the reply expected; under a judge, the request itself. */
  constructor(
    private readonly connectionId: number,
    expectation: Expectation,
    private readonly codec: EchoPayloadCodec,
    private readonly stats: VerdictRecorder,
  ) {
    this.checksReplies = checksReplies(expectation);
    this.judge = expectation.expectedReply === undefined ? expectation.judge?.bind(expectation) : undefined;
  }

  onReply(reply: Buffer, queue: RequestQueue, nowUs: number): void {
    if (queue.length === 0) {
      this.onUnexpected(reply, nowUs);
      return;
    }
    if (!this.checksReplies) {
      this.acceptOldest(queue, nowUs);
      return;
    }
    if (this.judge !== undefined) {
      this.judged(this.judge, reply, queue, nowUs);
      return;
    }
    if (this.partial !== undefined) {
      this.continuePartial(reply, queue, nowUs);
      return;
    }
    this.check(reply, queue, nowUs);
  }

  /**
   * What the oldest unanswered request was waiting for, and the start of its reply when one came in
   * part: to show beside an error that has no reply of its own (a timeout, a reset).
   */
  headEvidence(queue: RequestQueue): ErrorEvidence {
    const kept = queue.length > 0 ? queue.payloadAt(0) : undefined;
    if (kept === undefined) return {};
    const received = this.partial !== undefined ? { received: this.partial } : {};
    return this.judge !== undefined ? { request: kept, ...received } : { expected: kept, ...received };
  }

  /** Counts as lost the skipped requests that have waited longer than the timeout. */
  sweepMissing(nowUs: number, timeoutUs: number): void {
    for (const [seq, request] of this.missing) {
      if (nowUs - request.sentUs < timeoutUs) continue;
      this.missing.delete(seq);
      if (request.measured) {
        this.stats.recordMismatch("lost", this.describe(seq, request.sizeBytes, "never answered"), false);
      }
    }
  }

  /** At the end of the run: every skipped request still missing is lost. */
  finish(): void {
    this.sweepMissing(Number.POSITIVE_INFINITY, 0);
    this.partial = undefined;
  }

  /** The connection was dropped: what it was waiting for is abandoned with it (its error is counted). */
  reset(): void {
    this.partial = undefined;
    this.missing.clear();
  }

  private judged(
    judge: NonNullable<Expectation["judge"]>,
    reply: Buffer,
    queue: RequestQueue,
    nowUs: number,
  ): void {
    const seq = queue.seqAt(0);
    const verdict = judge(reply, queue.payloadAt(0) as Buffer, seq);
    if (verdict === undefined) {
      this.acceptOldest(queue, nowUs);
      return;
    }
    this.mismatch(
      "corrupted",
      this.describe(seq, (queue.payloadAt(0) as Buffer).length, `judged wrong: ${verdict}`),
      this.isMeasured(queue.intendedUsAt(0)),
      {
        request: queue.payloadAt(0) as Buffer,
        received: reply,
      },
    );
    queue.shift();
  }

  private check(reply: Buffer, queue: RequestQueue, nowUs: number): void {
    let expected = queue.payloadAt(0) as Buffer;
    if (reply.equals(expected)) {
      this.acceptOldest(queue, nowUs);
      return;
    }
    const header = this.codec.parseHeader(reply);
    const headSeq = queue.seqAt(0);
    if (header !== undefined && header.connectionId === this.connectionId && header.seq !== headSeq) {
      if (header.seq < headSeq) {
        const late = this.missing.delete(header.seq);
        this.mismatch(
          late ? "reordered" : "duplicated",
          this.describe(
            header.seq,
            header.sizeBytes,
            late ? `answered after request ${headSeq}` : "answered again",
          ),
          this.isMeasured(queue.intendedUsAt(0)),
          { received: reply },
        );
        return;
      }
      const offset = queue.offsetOfSeq(header.seq);
      if (offset > 0) {
        // Later requests answered first: the skipped ones may still come (reordered) or never (lost).
        for (let skipped = 0; skipped < offset; skipped++) this.skipHead(queue);
        expected = queue.payloadAt(0) as Buffer;
        if (reply.equals(expected)) {
          this.acceptOldest(queue, nowUs);
          return;
        }
      }
    }
    if (reply.length < expected.length && expected.subarray(0, reply.length).equals(reply)) {
      this.partial = reply;
      return;
    }
    if (reply.length > expected.length && reply.subarray(0, expected.length).equals(expected)) {
      this.onMerged(reply, queue);
      return;
    }
    this.mismatch(
      "corrupted",
      this.describe(queue.seqAt(0), expected.length, `the ${reply.length}-byte reply differs from it`),
      this.isMeasured(queue.intendedUsAt(0)),
      { expected, received: reply },
    );
    queue.shift();
  }

  private continuePartial(reply: Buffer, queue: RequestQueue, nowUs: number): void {
    const expected = queue.payloadAt(0) as Buffer;
    const combined = Buffer.concat([this.partial as Buffer, reply]);
    this.partial = undefined;
    if (combined.length < expected.length && expected.subarray(0, combined.length).equals(combined)) {
      this.partial = combined;
      return;
    }
    const measured = this.isMeasured(queue.intendedUsAt(0));
    if (combined.equals(expected)) {
      this.mismatch(
        "split",
        this.describe(queue.seqAt(0), expected.length, "reply came as two or more frames"),
        measured,
        { expected, received: combined },
      );
      queue.shift();
      return;
    }
    // The earlier fragment was all this request got; the new frame starts afresh.
    this.mismatch("split", this.describe(queue.seqAt(0), expected.length, "reply cut short"), measured, {
      expected,
      received: combined,
    });
    queue.shift();
    if (queue.length === 0) this.onUnexpected(reply, nowUs);
    else this.check(reply, queue, nowUs);
  }

  /** The request's bytes, then more: take the following requests' replies out of it as they match. */
  private onMerged(reply: Buffer, queue: RequestQueue): void {
    const seq = queue.seqAt(0);
    const measured = this.isMeasured(queue.intendedUsAt(0));
    const expected = queue.payloadAt(0) as Buffer;
    let rest = reply.subarray(expected.length);
    queue.shift();
    let absorbed = 0;
    while (queue.length > 0) {
      const next = queue.payloadAt(0) as Buffer;
      if (next.length > rest.length || !rest.subarray(0, next.length).equals(next)) break;
      if (this.isMeasured(queue.intendedUsAt(0))) this.stats.received++;
      rest = rest.subarray(next.length);
      queue.shift();
      absorbed++;
      if (rest.length === 0) break;
    }
    const detail =
      absorbed > 0
        ? `reply carried ${absorbed} following repl${absorbed === 1 ? "y" : "ies"} too`
        : `reply carried ${rest.length} extra bytes`;
    this.mismatch("merged", this.describe(seq, expected.length, detail), measured, {
      expected,
      received: reply,
    });
  }

  private onUnexpected(reply: Buffer, nowUs: number): void {
    const header = this.checksReplies ? this.codec.parseHeader(reply) : undefined;
    const late = header !== undefined && this.missing.delete(header.seq);
    const measured = this.stats.isMeasured(nowUs);
    this.mismatch(
      late ? "reordered" : "duplicated",
      header !== undefined
        ? this.describe(header.seq, header.sizeBytes, late ? "answered late" : "answered again")
        : `a reply of ${reply.length} bytes with no request outstanding`,
      measured,
      { received: reply },
    );
  }

  /** The oldest request was answered right (also the stream check's verdict, see echo-stream-check.ts). */
  acceptOldest(queue: RequestQueue, nowUs: number): void {
    const intendedUs = queue.intendedUsAt(0);
    if (this.isMeasured(intendedUs))
      this.stats.recordVerified(intendedUs, queue.sentUsAt(0), nowUs, this.connectionId);
    queue.shift();
  }

  private skipHead(queue: RequestQueue): void {
    if (this.missing.size >= MAX_MISSING) this.sweepMissing(Number.POSITIVE_INFINITY, 0);
    this.missing.set(queue.seqAt(0), {
      sentUs: queue.sentUsAt(0),
      measured: this.isMeasured(queue.intendedUsAt(0)),
      sizeBytes: (queue.payloadAt(0) as Buffer).length,
    });
    queue.shift();
  }

  private mismatch(kind: MismatchKind, detail: string, measured: boolean, evidence: ErrorEvidence): void {
    if (measured) this.stats.recordMismatch(kind, detail, true, evidence);
  }

  private isMeasured(intendedUs: number): boolean {
    return this.stats.isMeasured(intendedUs);
  }

  /** `connection 3 request 17 (64 B payload): ...`: enough to find the request in a capture. */
  private describe(seq: number, sizeBytes: number, what: string): string {
    return `connection ${this.connectionId} request ${seq} (${sizeBytes} B payload): ${what}`;
  }
}
