// One lane of an HTTP load run: a stream of POST requests with at most `pipelining` unanswered, given to
// the run's undici Pool, which picks the connection. Each response is checked against its own request
// (status 200, body byte for byte under --verify echo); a lane whose requests cannot connect waits a
// moment before it tries again.

import type { Dispatcher } from "undici";
import type { ErrorKind } from "../../../results/load-result.js";
import { nowUs } from "../core/load-clock.js";
import type { LaneHost, LoadLane } from "../core/load-lane.js";
import { ReconnectBackoff } from "../core/reconnect-backoff.js";
import { RequestQueue } from "../core/request-queue.js";
import type { RequestSource, SizePicker } from "../core/request-source.js";
import { type ExchangeOwner, HttpExchange } from "./http-exchange.js";
import type { HttpReplyCheck } from "./http-reply-check.js";

/** What the lanes of an HTTP run share. */
export interface HttpWire {
  readonly pool: Dispatcher;
  readonly source: RequestSource;
  readonly replyCheck: HttpReplyCheck;
  /** What every request POSTs to: the target's path, `/` when it names none. */
  readonly path: string;
  /** Counts a request that got no response; says what kind of error it was. */
  recordFailure(error: Error, request: string, measured: boolean): ErrorKind;
}

/** A request that waited --timeout for its response (counted as a timeout, like a TCP one). */
export class ResponseTimeoutError extends Error {}

export class HttpLane implements LoadLane, ExchangeOwner {
  readonly due = new RequestQueue();
  /** Dispatched and not yet answered or failed. */
  private readonly inFlight = new Set<HttpExchange>();
  private inFlightMeasured = 0;
  private nextSeq = 0;
  private readonly sizes: SizePicker;
  private readonly verifyEcho: boolean;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly backoff = new ReconnectBackoff();

  constructor(
    readonly id: number,
    private readonly host: LaneHost,
    private readonly wire: HttpWire,
  ) {
    this.verifyEcho = wire.source.checksReplies;
    this.sizes = wire.source.sizePicker(id);
  }

  get isBusy(): boolean {
    return this.inFlight.size > 0 || this.due.length > 0;
  }

  enqueueDue(intendedUs: number): void {
    this.due.push(0, intendedUs, 0, undefined);
  }

  pump(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const limit = this.host.config.pipelining;
    const now = nowUs();
    if (this.host.openLoop) {
      while (this.inFlight.size < limit && this.due.length > 0) {
        const intendedUs = this.due.intendedUsAt(0);
        this.due.shift();
        this.issue(intendedUs, now);
      }
    } else {
      while (this.inFlight.size < limit && this.host.claimRequest(now)) this.issue(now, now);
    }
  }

  /** Fails each request on a connection that waited `timeoutUs` since it was issued (the run sweeps often). */
  checkTimeout(now: number, timeoutUs: number): void {
    for (const exchange of this.inFlight) {
      if (now - exchange.sentUs < timeoutUs || !exchange.isDispatched) continue;
      exchange.abort(new ResponseTimeoutError(`no response within ${this.host.config.timeoutMs} ms`));
    }
  }

  oldestSentUs(): number | undefined {
    let oldest: number | undefined;
    for (const exchange of this.inFlight) oldest = Math.min(oldest ?? exchange.sentUs, exchange.sentUs);
    return oldest;
  }

  measuredUnanswered(): number {
    return this.inFlightMeasured;
  }

  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    return Promise.resolve();
  }

  onResponse(exchange: HttpExchange): void {
    const now = nowUs();
    this.settle(exchange);
    if (this.closed) return;
    this.backoff.succeeded();
    if (exchange.measured) {
      const stats = this.host.stats;
      stats.recordBytes(exchange.bodyBytes, now);
      const fault = this.wire.replyCheck.check(
        exchange.statusCode,
        exchange.statusText,
        exchange.body,
        exchange.payload,
      );
      if (fault === undefined) stats.recordVerified(exchange.intendedUs, exchange.sentUs, now, this.id);
      else stats.recordMismatch(fault.kind, `${this.describe(exchange)}: ${fault.detail}`, true);
    }
    this.pump();
    this.host.onReplies(now);
  }

  onFailure(exchange: HttpExchange, error: Error): void {
    this.settle(exchange);
    if (this.closed || !this.host.active) return;
    const kind = this.wire.recordFailure(error, this.describe(exchange), exchange.measured);
    if (kind !== "connect") {
      this.pump();
      return;
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, this.backoff.nextDelayMs());
  }

  private issue(intendedUs: number, now: number): void {
    const seq = this.nextSeq++;
    const sizeBytes = this.sizes.next();
    const source = this.wire.source;
    const payload = this.verifyEcho ? source.requestPayload(this.id, seq, sizeBytes) : undefined;
    const measured = this.host.stats.recordSent(intendedUs);
    if (measured) this.inFlightMeasured++;
    const exchange = new HttpExchange(this, seq, intendedUs, now, payload, measured);
    this.inFlight.add(exchange);
    this.wire.pool.dispatch(
      {
        path: this.wire.path,
        method: "POST",
        body: payload ?? (source.constantFrame(sizeBytes)[0] as Buffer),
        // An echo POST is safe to repeat: undici may pipeline it (and resend it when the connection
        // drops under it) instead of waiting for each response before the next request.
        idempotent: true,
        blocking: false,
      },
      exchange,
    );
  }

  private settle(exchange: HttpExchange): void {
    if (!this.inFlight.delete(exchange)) return;
    if (exchange.measured) this.inFlightMeasured--;
  }

  private describe(exchange: HttpExchange): string {
    const size = exchange.payload !== undefined ? ` (${exchange.payload.length} B payload)` : "";
    return `lane ${this.id} request ${exchange.seq}${size}`;
  }
}
