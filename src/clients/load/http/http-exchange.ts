// One HTTP request of a load run, from dispatch to its response: undici's handler for it (the callback
// interface undici's own request() is built on, so no stream or promise is made per request) and the
// record of what was sent, so that the response is checked against its own request.

import type { Dispatcher } from "undici";

/** What an exchange reports to the lane that issued it. */
export interface ExchangeOwner {
  onResponse(exchange: HttpExchange): void;
  onFailure(exchange: HttpExchange, error: Error): void;
}

export class HttpExchange implements Dispatcher.DispatchHandler {
  statusCode = 0;
  statusText = "";
  bodyBytes = 0;
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  /** undici's way to fail this request and drop its connection; set once the request is on a socket. */
  private abortRequest: ((error: Error) => void) | undefined;

  constructor(
    private readonly owner: ExchangeOwner,
    readonly seq: number,
    readonly intendedUs: number,
    readonly sentUs: number,
    /** --verify echo: the body sent, to compare the response body with; undefined with --verify none. */
    readonly payload: Buffer | undefined,
    /** Whether its intended send time falls in the measured phase. */
    readonly measured: boolean,
  ) {}

  /** The response body (kept under --verify echo, and for a status other than 200 to quote it). */
  get body(): Buffer {
    if (this.first === undefined) return Buffer.alloc(0);
    if (this.rest === undefined) return this.first;
    return Buffer.concat([this.first, ...this.rest], this.bodyBytes);
  }

  /** Whether undici has put it on a connection (only then can it time out). */
  get isDispatched(): boolean {
    return this.abortRequest !== undefined;
  }

  /** Fails the request with `error` (onError follows); undici drops the connection and resends what else it held. */
  abort(error: Error): void {
    this.abortRequest?.(error);
  }

  // Called again when undici resends the request on a new connection (the one it was on dropped).
  onConnect(abort: (error?: Error) => void): void {
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, _rawHeaders: Buffer[], _resume: () => void, statusText: string): boolean {
    this.statusCode = statusCode;
    this.statusText = statusText;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bodyBytes += chunk.length;
    if (this.payload !== undefined || this.statusCode !== 200) {
      if (this.first === undefined) this.first = chunk;
      else if (this.rest === undefined) this.rest = [chunk];
      else this.rest.push(chunk);
    }
    return true;
  }

  onComplete(): void {
    this.owner.onResponse(this);
  }

  onError(error: Error): void {
    this.owner.onFailure(this, error);
  }
}
