// The HTTP side of a load run: one undici Pool of `connections` clients, each pipelining up to
// `pipelining` POSTs, shared by the run's lanes. Its sockets come from the run's own connector: all of
// them are connected before the load starts (an unreachable target fails the run, as over TCP), and the
// pool reconnects through it after a drop. The lanes time requests out themselves (--timeout, from the
// run's sweep), as the TCP connections do; undici's own parser timers, re-armed on every response, ran slower here.

import { once } from "node:events";
import type { Socket } from "node:net";
import { type buildConnector, Pool } from "undici";
import type { ErrorKind } from "../../../results/load-result.js";
import { nowUs } from "../core/load-clock.js";
import { connectionOptionsOf, type ResolvedHttpLoadConfig } from "../core/load-config.js";
import type { LaneHost, LoadTransport } from "../core/load-lane.js";
import { RequestSource, UNFRAMED } from "../core/request-source.js";
import { type HttpTarget, originOf, TargetConnector, TargetError } from "../core/target.js";
import { HttpLane, type HttpWire, ResponseTimeoutError } from "./http-lane.js";
import { HttpReplyCheck } from "./http-reply-check.js";

const PROTOCOL_CODES = new Set(["UND_ERR_RES_CONTENT_LENGTH_MISMATCH", "UND_ERR_RES_EXCEEDED_MAX_SIZE"]);

/** Which error kind a request's failure is (see LoadResult.errors). */
function failureKind(error: Error): ErrorKind {
  if (error instanceof TargetError) return "connect";
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (error instanceof ResponseTimeoutError) return "timeout";
  if (error.name === "HTTPParserError" || PROTOCOL_CODES.has(code)) return "protocol";
  return "reset";
}

function ignoreParkedError(): void {}

export class HttpTransport implements LoadTransport, HttpWire {
  readonly lanes: HttpLane[];
  readonly pool: Pool;
  readonly source: RequestSource;
  readonly replyCheck: HttpReplyCheck;
  readonly path: string;
  private readonly connector: TargetConnector;
  /** Connected by open(), handed to the pool's clients as they connect; later clients get new sockets. */
  private readonly parked: Socket[] = [];
  /** undici fails every request a broken connection held with one error: one event, counted once. */
  private readonly countedErrors = new WeakSet<Error>();

  constructor(
    private readonly config: ResolvedHttpLoadConfig,
    target: HttpTarget,
    private readonly host: LaneHost,
  ) {
    this.path = target.path;
    this.source = new RequestSource(config, UNFRAMED, host.expectation);
    this.replyCheck = new HttpReplyCheck(this.source.codec);
    this.connector = new TargetConnector(target, {
      connectTimeoutMs: config.timeoutMs,
      ...connectionOptionsOf(config),
    });
    this.pool = new Pool(originOf(target), {
      connections: config.slice.count,
      pipelining: config.pipelining,
      connect: (_options, callback) => this.connect(callback),
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(config.maxFrameBytes !== undefined ? { maxResponseSize: config.maxFrameBytes } : {}),
    });
    this.lanes = Array.from(
      { length: config.slice.count },
      (_, index) => new HttpLane(config.slice.first + index, host, this),
    );
  }

  async open(): Promise<void> {
    const attempts = await Promise.allSettled(
      Array.from({ length: this.config.slice.count }, () => this.connector.open()),
    );
    for (const attempt of attempts) {
      if (attempt.status === "fulfilled") this.parked.push(attempt.value.on("error", ignoreParkedError));
    }
    const failed = attempts.find((attempt) => attempt.status === "rejected");
    if (failed !== undefined) {
      await this.close();
      throw failed.reason;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
    this.connector.abort();
    const parked = this.parked.splice(0).map((socket) => {
      const closed = socket.closed ? Promise.resolve() : once(socket, "close");
      socket.destroy();
      return closed;
    });
    await Promise.all([...parked, this.pool.destroy()]);
  }

  recordFailure(error: Error, request: string, measured: boolean): ErrorKind {
    const kind = failureKind(error);
    const stats = this.host.stats;
    if (kind === "timeout") {
      // Like a TCP timeout, each request that waited too long counts.
      if (measured)
        stats.recordError("timeout", `${request}: no response within ${this.config.timeoutMs} ms`);
    } else if (!this.countedErrors.has(error)) {
      this.countedErrors.add(error);
      stats.recordErrorAt(kind, `${request}: ${error.message}`, nowUs());
    }
    return kind;
  }

  private connect(callback: buildConnector.Callback): void {
    let socket = this.parked.pop();
    // A parked socket the server closed or reset meanwhile is dropped for a fresh one.
    while (socket?.destroyed) socket = this.parked.pop();
    if (socket !== undefined) {
      socket.off("error", ignoreParkedError);
      // undici expects its connector to answer later: a callback from within connect() stalls the client.
      const parkedSocket = socket;
      queueMicrotask(() => callback(null, parkedSocket));
      return;
    }
    this.connector.open().then(
      (fresh) => callback(null, fresh),
      (error: Error) => callback(error, null),
    );
  }
}
