// One connection of an HTTP load run: POSTs pipelined on one keep-alive socket (each request's head and
// body, and every request of a turn, in one write), its responses cut by its own HTTP/1.1 parser and each
// checked against its own request, in order (status 200, body byte for byte under --verify echo). A
// connection the server drops or that times out is counted and reopened while the run lasts.

import { once } from "node:events";
import type { Socket } from "node:net";
import type { ErrorKind } from "../../../results/load-result.js";
import { nowUs } from "../core/load-clock.js";
import type { ResolvedHttpLoadConfig } from "../core/load-config.js";
import type { LaneHost, LoadLane } from "../core/load-lane.js";
import { ReconnectBackoff } from "../core/reconnect-backoff.js";
import type { RequestSource, SizePicker } from "../core/request-source.js";
import type { TargetConnector } from "../core/target.js";
import { RequestQueue } from "../verification/request-queue.js";
import type { HttpReplyCheck } from "./http-reply-check.js";
import type { HttpRequestHeads } from "./http-request-head.js";
import { HttpProtocolError, type HttpResponse, HttpResponseParser } from "./http-response-parser.js";

/** What the connections of an HTTP run share. */
export interface HttpWire {
  readonly config: ResolvedHttpLoadConfig;
  readonly source: RequestSource;
  readonly replyCheck: HttpReplyCheck;
  readonly connector: TargetConnector;
  readonly heads: HttpRequestHeads;
  /** Largest response body accepted (--max-frame). */
  readonly maxBodyBytes: number;
}

/** Below this many bytes a turn's requests are copied into one buffer: one write, no writev arrays. */
const JOINED_WRITE_BYTES = 64 * 1024;

/** `1 request unanswered`, `3 requests unanswered`. */
function unanswered(count: number): string {
  return `${count} request${count === 1 ? "" : "s"} unanswered`;
}

export class HttpLane implements LoadLane {
  /** Written, not yet answered, oldest first (HTTP/1.1 answers in order). */
  readonly outstanding = new RequestQueue();
  readonly due = new RequestQueue();
  private socket: Socket | undefined;
  private parser: HttpResponseParser | undefined;
  private readonly sizes: SizePicker;
  private readonly verifyEcho: boolean;
  private nextSeq = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly openSockets = new Set<Socket>();
  private readonly backoff = new ReconnectBackoff();
  /** The buffers of the requests issued in this turn, written together by flush(). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly id: number,
    private readonly host: LaneHost,
    private readonly wire: HttpWire,
  ) {
    this.verifyEcho = wire.source.checksReplies;
    this.sizes = wire.source.sizePicker(id);
  }

  /** Opens the socket; rejects with a TargetError when the target cannot be reached. */
  async open(): Promise<void> {
    const socket = await this.wire.connector.open(this.onRead);
    if (this.closed) socket.destroy();
    else this.attach(socket);
  }

  get isBusy(): boolean {
    return this.outstanding.length > 0 || this.due.length > 0;
  }

  enqueueDue(intendedUs: number): void {
    this.due.push(0, intendedUs, 0, undefined);
  }

  pump(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    const limit = this.host.config.pipelining;
    const now = nowUs();
    if (this.host.openLoop) {
      while (this.outstanding.length < limit && this.due.length > 0) {
        const intendedUs = this.due.intendedUsAt(0);
        this.due.shift();
        this.issue(intendedUs, now);
      }
    } else {
      while (this.outstanding.length < limit && this.host.claimRequest(now)) this.issue(now, now);
    }
    this.flush(socket);
  }

  /** Counts as timed out, and drops, a connection whose oldest request waited `timeoutUs`. */
  checkTimeout(now: number, timeoutUs: number): void {
    if (this.outstanding.length === 0 || now - this.outstanding.sentUsAt(0) < timeoutUs) return;
    const measured = this.measuredUnanswered();
    if (measured > 0) {
      this.host.stats.recordError(
        "timeout",
        `${this.describe(this.outstanding.seqAt(0), this.outstanding.payloadAt(0))}: no response within ${this.host.config.timeoutMs} ms`,
        measured,
      );
    }
    this.drop();
  }

  oldestSentUs(): number | undefined {
    return this.outstanding.length > 0 ? this.outstanding.sentUsAt(0) : undefined;
  }

  measuredUnanswered(): number {
    return this.host.stats.measuredIn(this.outstanding);
  }

  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.pending = [];
    this.socket?.destroy();
    this.socket = undefined;
    return Promise.all([...this.openSockets].map((socket) => once(socket, "close"))).then(() => undefined);
  }

  private issue(intendedUs: number, now: number): void {
    const seq = this.nextSeq++;
    const sizeBytes = this.sizes.next();
    const source = this.wire.source;
    const payload = this.verifyEcho ? source.requestPayload(this.id, seq, sizeBytes) : undefined;
    const body = payload ?? (source.constantFrame(sizeBytes)[0] as Buffer);
    const head = this.wire.heads.of(body.length);
    this.pending.push(head, body);
    this.pendingBytes += head.length + body.length;
    this.outstanding.push(seq, intendedUs, now, payload);
    this.host.stats.recordSent(intendedUs, now);
  }

  /** Writes the turn's requests: small ones copied into one buffer (one write), large ones corked together. */
  private flush(socket: Socket): void {
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

  private attach(socket: Socket): void {
    this.socket = socket;
    this.parser = new HttpResponseParser(this.wire.maxBodyBytes);
    const parser = this.parser;
    socket.on("end", () => {
      if (socket !== this.socket) return;
      const last = parser.end();
      if (last !== undefined) this.onResponses([last], nowUs());
      if (socket !== this.socket) return;
      if (parser.isMidResponse) {
        this.fail("protocol", `server closed mid-response, ${parser.partialBytes} bytes into its body`);
      } else if (this.outstanding.length > 0) {
        this.fail("reset", `server closed the connection with ${unanswered(this.outstanding.length)}`);
      } else {
        this.drop();
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (socket === this.socket) this.fail("reset", `connection failed: ${error.code ?? error.message}`);
    });
    this.openSockets.add(socket);
    socket.once("close", () => this.openSockets.delete(socket));
  }

  /** Every read of this lane's sockets; only the current socket's count. */
  private readonly onRead = (socket: Socket, chunk: Buffer): void => {
    if (socket !== this.socket) return;
    let responses: HttpResponse[];
    try {
      responses = (this.parser as HttpResponseParser).push(chunk);
    } catch (error) {
      if (!(error instanceof HttpProtocolError)) throw error;
      this.fail("protocol", `bad response from server: ${error.message}`);
      return;
    }
    if (responses.length > 0) this.onResponses(responses, nowUs());
  };

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

  private fail(kind: ErrorKind, detail: string): void {
    const oldest =
      this.outstanding.length > 0
        ? `; oldest unanswered: ${this.describe(this.outstanding.seqAt(0), this.outstanding.payloadAt(0))}`
        : "";
    this.host.stats.recordErrorAt(kind, `lane ${this.id}: ${detail}${oldest}`, nowUs());
    this.drop();
  }

  private describe(seq: number, payload: Buffer | undefined): string {
    const size = payload !== undefined ? ` (${payload.length} B payload)` : "";
    return `lane ${this.id} request ${seq}${size}`;
  }

  /** Abandons the socket and what it was waiting for (the error that caused it is counted), then reopens. */
  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.parser = undefined;
    this.outstanding.clear();
    this.pending = [];
    this.pendingBytes = 0;
    this.reopenLater();
  }

  private reopenLater(): void {
    const delayMs = this.backoff.nextDelayMs();
    if (delayMs === 0) this.reopen();
    else this.retryTimer = setTimeout(() => this.reopen(), delayMs);
  }

  private reopen(): void {
    if (this.closed || !this.host.active) return;
    this.wire.connector.open(this.onRead).then(
      (socket) => {
        if (this.closed || !this.host.active) {
          socket.destroy();
          return;
        }
        this.attach(socket);
        this.pump();
      },
      (error: Error) => {
        if (this.closed || !this.host.active) return;
        this.host.stats.recordErrorAt("connect", error.message, nowUs());
        this.reopenLater();
      },
    );
  }
}
