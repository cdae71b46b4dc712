// One lane of an HTTP load run: POSTs pipelined on one keep-alive connection (each request's head and
// body, and every request of a turn, in one write), its responses cut by its own HTTP/1.1 parser and each
// checked against its own request, in order (status 200, body byte for byte under --verify echo). What
// every stream lane does (admitting requests, timeouts, drops and reconnects) is StreamLane's.

import type { Socket } from "node:net";
import { nowUs } from "../core/load-clock.js";
import type { ResolvedHttpLoadConfig } from "../core/load-config.js";
import { StreamLane, type StreamWire, unanswered } from "../core/stream-lane.js";
import type { HttpReplyCheck } from "./http-reply-check.js";
import type { HttpRequestHeads } from "./http-request-head.js";
import { HttpProtocolError, type HttpResponse, HttpResponseParser } from "./http-response-parser.js";

/** What the connections of an HTTP run share. */
export interface HttpWire extends StreamWire {
  readonly config: ResolvedHttpLoadConfig;
  readonly replyCheck: HttpReplyCheck;
  readonly heads: HttpRequestHeads;
  /** Largest response body accepted (--max-frame). */
  readonly maxBodyBytes: number;
}

/** Below this many bytes a turn's requests are copied into one buffer: one write, no writev arrays. */
const JOINED_WRITE_BYTES = 64 * 1024;

export class HttpLane extends StreamLane<HttpWire> {
  private parser: HttpResponseParser | undefined;
  /** The buffers of the requests issued in this turn, written together by flush(). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  protected issue(_socket: Socket, intendedUs: number, now: number, sizeBytes: number): void {
    const seq = this.takeSequence();
    const source = this.wire.source;
    const payload = source.checksReplies ? source.requestPayload(this.id, seq, sizeBytes) : undefined;
    const body = payload ?? (source.constantFrame(sizeBytes)[0] as Buffer);
    const head = this.wire.heads.of(body.length);
    this.pending.push(head, body);
    this.pendingBytes += head.length + body.length;
    this.outstanding.push(seq, intendedUs, now, payload);
  }

  /** Writes the turn's requests: small ones copied into one buffer (one write), large ones corked together. */
  protected override flush(socket: Socket): void {
    const parts = this.pending;
    if (parts.length === 0) return;
    if (this.pendingBytes <= JOINED_WRITE_BYTES) {
      socket.write(Buffer.concat(parts, this.pendingBytes));
    } else {
      socket.cork();
      for (const part of parts) socket.write(part);
      socket.uncork();
    }
    this.pending = [];
    this.pendingBytes = 0;
  }

  protected attached(): void {
    this.parser = new HttpResponseParser(this.wire.maxBodyBytes);
  }

  protected endedMidReply(): string | undefined {
    const parser = this.parser as HttpResponseParser;
    const last = parser.end();
    if (last !== undefined) this.onResponses([last], nowUs());
    return parser.isMidResponse
      ? `server closed mid-response, ${parser.partialBytes} bytes into its body`
      : undefined;
  }

  protected timeoutDetail(): string {
    return `${this.describe(this.outstanding.seqAt(0), this.outstanding.payloadAt(0))}: no response within ${this.host.config.timeoutMs} ms`;
  }

  protected failureDetail(detail: string): string {
    const oldest =
      this.outstanding.length > 0
        ? `; oldest unanswered: ${this.describe(this.outstanding.seqAt(0), this.outstanding.payloadAt(0))}`
        : "";
    return `lane ${this.id}: ${detail}${oldest}`;
  }

  protected forgetConnection(): void {
    this.parser = undefined;
    this.pending = [];
    this.pendingBytes = 0;
  }

  protected onData(chunk: Buffer): void {
    let responses: HttpResponse[];
    try {
      responses = (this.parser as HttpResponseParser).push(chunk);
    } catch (error) {
      if (!(error instanceof HttpProtocolError)) throw error;
      this.fail("protocol", `bad response from server: ${error.message}`);
      return;
    }
    if (responses.length > 0) this.onResponses(responses, nowUs());
  }

  private onResponses(responses: HttpResponse[], now: number): void {
    const stats = this.host.stats;
    for (const response of responses) {
      if (this.outstanding.length === 0) {
        this.fail("protocol", "a response came with no request outstanding");
        return;
      }
      const intendedUs = this.outstanding.intendedUsAt(0);
      if (stats.isMeasured(intendedUs)) {
        const payload = this.outstanding.payloadAt(0);
        stats.recordBytes(response.body.length, now);
        const fault = this.wire.replyCheck.check(
          response.statusCode,
          response.statusText,
          response.body,
          payload,
        );
        if (fault === undefined) {
          stats.recordVerified(intendedUs, this.outstanding.sentUsAt(0), now, this.id);
        } else {
          stats.recordMismatch(
            fault.kind,
            `${this.describe(this.outstanding.seqAt(0), payload)}: ${fault.detail}`,
            true,
          );
        }
      }
      this.outstanding.shift();
      if (response.closes) {
        // An answer, then a close the server announced: no failure to back off from.
        this.backoff.succeeded();
        // The server ends the connection after this response: what else was pipelined on it is lost.
        if (this.outstanding.length > 0) {
          this.fail(
            "reset",
            `server closed the connection (Connection: close) with ${unanswered(this.outstanding.length)}`,
          );
        } else {
          this.drop();
        }
        this.host.onReplies(now);
        return;
      }
    }
    this.backoff.succeeded();
    // The replies are owed no more before the next request is claimed: the other way round, a request
    // claimed here and dropped with its connection would never count as owed.
    this.host.onReplies(now);
    this.pump();
  }

  private describe(seq: number, payload: Buffer | undefined): string {
    const size = payload !== undefined ? ` (${payload.length} B payload)` : "";
    return `lane ${this.id} request ${seq}${size}`;
  }
}
