// A lane on a stream socket (TCP, TLS or a Unix socket, with framed messages or HTTP/1.1): replies come in
// order, so what is in flight is one queue, oldest first. The socket's life is the same whatever the
// stream carries: opened through the run's connector, dropped (its requests abandoned) when the server
// closes or resets it, when a request times out or a reply cannot be read, and reopened after the
// backoff's wait while the run lasts. A lane adds how requests are written and replies read.

import { once } from "node:events";
import type { Socket } from "node:net";
import type { ErrorKind } from "../../../results/load-result.js";
import type { ErrorEvidence } from "../verification/error-evidence.js";
import { RequestQueue } from "../verification/request-queue.js";
import { nowUs } from "./load-clock.js";
import type { LaneHost } from "./load-lane.js";
import { PipelinedLane } from "./pipelined-lane.js";
import { ReconnectBackoff } from "./reconnect-backoff.js";
import type { RequestSource } from "./request-source.js";
import type { TargetConnector } from "./target.js";

/** What the lanes of a stream transport share: the payloads and the way to the target. */
export interface StreamWire {
  readonly source: RequestSource;
  readonly connector: TargetConnector;
}

/** `1 request unanswered`, `3 requests unanswered`. */
export function unanswered(count: number): string {
  return `${count} request${count === 1 ? "" : "s"} unanswered`;
}

export abstract class StreamLane<Wire extends StreamWire> extends PipelinedLane<Socket> {
  /** Written, not yet answered, oldest first. */
  readonly outstanding = new RequestQueue();
  /** A reply read resets it (the lane says so): reconnects after a success are immediate. */
  protected readonly backoff = new ReconnectBackoff();
  private current: Socket | undefined;
  /** The sequence number of the next request written. */
  private nextSeq = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Sockets not yet closed: the current one, and one just dropped whose close is under way. */
  private readonly openSockets = new Set<Socket>();

  constructor(
    id: number,
    host: LaneHost,
    protected readonly wire: Wire,
  ) {
    super(id, host, wire.source.sizePicker(id));
  }

  /** Opens the socket; rejects with a TargetError when the target cannot be reached. */
  async open(): Promise<void> {
    const socket = await this.wire.connector.open(this.onRead);
    if (this.closed) socket.destroy();
    else this.attach(socket);
  }

  /** Counts as timed out, and drops, a connection whose oldest request waited `timeoutUs`. */
  checkTimeout(now: number, timeoutUs: number): void {
    if (this.outstanding.length === 0 || now - this.outstanding.sentUsAt(0) < timeoutUs) return;
    const measured = this.measuredUnanswered();
    if (measured > 0) this.host.stats.recordError("timeout", this.timeoutDetail(), measured, this.evidence());
    this.drop();
  }

  oldestSentUs(): number | undefined {
    return this.outstanding.length > 0 ? this.outstanding.sentUsAt(0) : undefined;
  }

  measuredUnanswered(): number {
    return this.host.stats.measuredIn(this.outstanding);
  }

  /** Ends the lane for good; what is still outstanding is the caller's to count. */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.current?.destroy();
    this.current = undefined;
    return Promise.all([...this.openSockets].map((socket) => once(socket, "close"))).then(() => undefined);
  }

  /** Sockets this lane still waits to see closed (stays at one or two however often it reconnects). */
  get openSocketCount(): number {
    return this.openSockets.size;
  }

  /** The socket of this connection, while there is one. */
  protected get socket(): Socket | undefined {
    return this.current;
  }

  /** Numbers this lane's requests in the order written, which is the order their replies come in. */
  protected takeSequence(): number {
    return this.nextSeq++;
  }

  protected get inFlight(): number {
    return this.outstanding.length;
  }

  protected writableSocket(): Socket | undefined {
    return this.current;
  }

  /** A read of the current socket (valid only until this returns: the connector may reuse its buffer). */
  protected abstract onData(chunk: Buffer): void;

  /** A new connection is this lane's: set up what reads its replies. */
  protected abstract attached(socket: Socket): void;

  /**
   * The server ended the connection: take what it still held (a last reply), and say how far into a
   * reply it ended, or undefined when it ended between replies.
   */
  protected abstract endedMidReply(): string | undefined;

  /** The current connection ended or failed (before the lane counts it as an error). */
  protected lost(_socket: Socket): void {}

  /** What a timeout of the oldest request says. */
  protected abstract timeoutDetail(): string;

  /** What a failure of this connection says, given what went wrong. */
  protected abstract failureDetail(detail: string): string;

  /** The bytes shown beside a timeout or a failure. */
  protected evidence(): ErrorEvidence {
    return {};
  }

  /** The connection was dropped: forget what the lane kept of it (a reader's state, writes not yet made). */
  protected abstract forgetConnection(): void;

  /** Counts an error of this connection, then drops it. */
  protected fail(kind: ErrorKind, detail: string): void {
    this.host.stats.recordErrorAt(kind, this.failureDetail(detail), nowUs(), this.evidence());
    this.drop();
  }

  /** Abandons the socket and what it was waiting for (the error that caused it is counted), then reopens. */
  protected drop(): void {
    this.current?.destroy();
    this.current = undefined;
    this.outstanding.clear();
    this.forgetConnection();
    this.reopenLater();
  }

  /** Every read of this lane's sockets; only the current socket's count. */
  private readonly onRead = (socket: Socket, chunk: Buffer): void => {
    if (socket === this.current) this.onData(chunk);
  };

  private attach(socket: Socket): void {
    this.current = socket;
    this.attached(socket);
    socket.on("end", () => {
      if (socket !== this.current) return;
      this.lost(socket);
      const midReply = this.endedMidReply();
      // A last reply may itself have ended the connection (HTTP's Connection: close).
      if (socket !== this.current) return;
      if (midReply !== undefined) {
        this.fail("protocol", midReply);
      } else if (this.outstanding.length > 0) {
        this.fail("reset", `server closed the connection with ${unanswered(this.outstanding.length)}`);
      } else {
        this.drop();
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (socket !== this.current) return;
      this.lost(socket);
      this.fail("reset", `connection failed: ${error.code ?? error.message}`);
    });
    this.openSockets.add(socket);
    socket.once("close", () => this.openSockets.delete(socket));
  }

  /** Reopens after the backoff's wait (none after a first drop). */
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
