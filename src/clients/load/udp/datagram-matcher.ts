// Matches one UDP lane's replies to its requests by connection id and sequence number (the echo header),
// not by arrival order, since datagrams may be lost, repeated or overtaken; and counts each way they
// went wrong under its own kind. Pure: the lane hands it what it sent and what came back, with the time.
//
// --verify echo, for each reply:
// - the header names a request of this lane still waiting: verified when the bytes are the request's,
//   `reordered` when a later request was answered before it, `corrupted` when the bytes differ;
// - the header names a request already answered: `duplicated`; one already counted lost: dropped, as an
//   application would drop a reply after its timeout (the loss is counted once);
// - no header of this lane (a payload shorter than the 18-byte header carries only part of it, or the
//   header was damaged): the oldest waiting request with exactly these bytes, else `corrupted` (the oldest
//   waiting request takes the blame), or `duplicated` when nothing waits.
// A request with no reply within the timeout is `lost`.
// --verify none: any reply answers the oldest waiting request.

import type { MismatchKind } from "../../../results/load-result.js";
import type { LoadStats } from "../core/load-stats.js";
import type { EchoPayloadCodec } from "../verification/echo-payload.js";

interface WaitingRequest {
  intendedUs: number;
  sentUs: number;
  /** --verify echo: the bytes sent, which the reply must equal. */
  payload: Buffer | undefined;
}

/** Lost sequence numbers remembered, so that a reply after its timeout is not counted again as a duplicate. */
const MAX_REMEMBERED_LOST = 4096;

export class DatagramMatcher {
  /** Sent and unanswered, by sequence number; a Map keeps them in the order sent. */
  private readonly waiting = new Map<number, WaitingRequest>();
  private readonly lost = new Set<number>();
  private nextSeq = 0;
  private highestAnsweredSeq = -1;

  constructor(
    private readonly connectionId: number,
    private readonly verifyEcho: boolean,
    private readonly codec: EchoPayloadCodec,
    private readonly stats: LoadStats,
  ) {}

  /** Requests sent and not yet answered or lost. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** The sequence number the next request takes. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Request `nextSequence` left at `sentUs` (meant for `intendedUs`) carrying `payload`. */
  sent(intendedUs: number, sentUs: number, payload: Buffer | undefined): number {
    const seq = this.nextSeq++;
    this.waiting.set(seq, { intendedUs, sentUs, payload });
    return seq;
  }

  onReply(reply: Buffer, nowUs: number): void {
    if (!this.verifyEcho) {
      const oldest = this.oldestWaiting();
      if (oldest === undefined) this.unexpected(reply, nowUs);
      else this.answered(oldest, nowUs);
      return;
    }
    const header = this.codec.parseHeader(reply);
    if (header !== undefined && header.connectionId === this.connectionId && header.seq < this.nextSeq) {
      const request = this.waiting.get(header.seq);
      if (request === undefined) {
        if (this.lost.delete(header.seq)) return;
        this.mismatch("duplicated", header.seq, "answered again", this.stats.isMeasured(nowUs));
      } else if (reply.equals(request.payload as Buffer)) {
        this.answered(header.seq, nowUs);
      } else {
        this.corrupted(header.seq, reply);
      }
      return;
    }
    for (const [seq, request] of this.waiting) {
      if (reply.equals(request.payload as Buffer)) {
        this.answered(seq, nowUs);
        return;
      }
    }
    const oldest = this.oldestWaiting();
    if (oldest === undefined) this.unexpected(reply, nowUs);
    else this.corrupted(oldest, reply);
  }

  /** Counts as lost every request that waited `timeoutUs` since it was sent; returns how many. */
  expire(nowUs: number, timeoutUs: number, timeoutMs: number): number {
    let count = 0;
    for (const [seq, request] of this.waiting) {
      // Sent in sequence order: the first one still within its time ends the sweep.
      if (nowUs - request.sentUs < timeoutUs) break;
      this.waiting.delete(seq);
      this.rememberLost(seq);
      if (this.isMeasured(request)) {
        this.stats.recordMismatch("lost", this.describe(seq, `no reply within ${timeoutMs} ms`), false);
      }
      count++;
    }
    return count;
  }

  /** Measured requests still waiting (the run counts them as unanswered when it ends). */
  /** When the oldest request still waiting was sent; undefined when none waits. */
  oldestSentUs(): number | undefined {
    const oldest = this.oldestWaiting();
    return oldest === undefined ? undefined : this.waiting.get(oldest)?.sentUs;
  }

  measuredWaiting(): number {
    let count = 0;
    for (const request of this.waiting.values()) if (this.isMeasured(request)) count++;
    return count;
  }

  private answered(seq: number, nowUs: number): void {
    const request = this.waiting.get(seq) as WaitingRequest;
    this.waiting.delete(seq);
    if (seq < this.highestAnsweredSeq) {
      this.mismatch(
        "reordered",
        seq,
        `answered after request ${this.highestAnsweredSeq}`,
        this.isMeasured(request),
      );
      return;
    }
    this.highestAnsweredSeq = seq;
    if (this.isMeasured(request)) this.stats.recordVerified(request.intendedUs, request.sentUs, nowUs);
  }

  private corrupted(seq: number, reply: Buffer): void {
    const request = this.waiting.get(seq) as WaitingRequest;
    this.waiting.delete(seq);
    const sentBytes = (request.payload as Buffer).length;
    this.mismatch(
      "corrupted",
      seq,
      `reply of ${reply.length} bytes differs from the ${sentBytes} sent`,
      this.isMeasured(request),
    );
  }

  private unexpected(reply: Buffer, nowUs: number): void {
    if (!this.stats.isMeasured(nowUs)) return;
    this.stats.recordMismatch(
      "duplicated",
      `connection ${this.connectionId}: a reply of ${reply.length} bytes with no request waiting`,
      true,
    );
  }

  private oldestWaiting(): number | undefined {
    for (const seq of this.waiting.keys()) return seq;
    return undefined;
  }

  private rememberLost(seq: number): void {
    if (this.lost.size >= MAX_REMEMBERED_LOST) {
      for (const oldest of this.lost) {
        this.lost.delete(oldest);
        break;
      }
    }
    this.lost.add(seq);
  }

  private mismatch(kind: MismatchKind, seq: number, what: string, measured: boolean): void {
    if (measured) this.stats.recordMismatch(kind, this.describe(seq, what), true);
  }

  private isMeasured(request: WaitingRequest): boolean {
    return this.stats.isMeasured(request.intendedUs);
  }

  private describe(seq: number, what: string): string {
    return `connection ${this.connectionId} request ${seq}: ${what}`;
  }
}
