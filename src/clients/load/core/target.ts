// Where the load goes and how a connection to it is opened: plain TCP, TLS or a Unix socket, all
// through undici's buildConnector (connect timeout, keep-alive, TLS session reuse) so one path serves all
// three; an HTTP target is a host and port that the HTTP transport reaches through the same connector, and a
// UDP target a host and port that the UDP transport sends datagrams to (no connector: nothing to connect).

import type { Socket } from "node:net";
import { buildConnector } from "undici";
import { registerErrorClass, SockbenchError } from "../../../errors.js";
import { formatHostPort, splitHostPort } from "../../../host-port.js";
import { FdLimitError, fdLimitAdvice, fdsNeeded, readFdLimit } from "../../../platform/fd-limit.js";
import { ConnectPacer } from "./connect-pacer.js";

/**
 * http: a plain TCP host and port that the HTTP transport speaks HTTP/1.1 to, and the path it POSTs to;
 * udp: where datagrams go.
 */
export type LoadTarget =
  | { kind: "tcp" | "tls" | "udp"; host: string; port: number }
  | HttpTarget
  | { kind: "unix"; path: string };

export interface HttpTarget {
  kind: "http";
  host: string;
  port: number;
  path: string;
}

/** The target is written wrong or cannot be reached. */
export class TargetError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_TARGET";
}
registerErrorClass(TargetError);

const TARGET_FORMS =
  "HOST:PORT, tcp://HOST:PORT, tls://HOST:PORT, unix:PATH, http://HOST:PORT[/PATH] or udp://HOST:PORT";
const SCHEMES = { "tcp://": "tcp", "tls://": "tls", "http://": "http", "udp://": "udp" } as const;

/** Where an HTTP load POSTs when its target names no path. */
const ROOT_PATH = "/";

/**
 * `HOST:PORT`, `[::1]:PORT`, `tcp://HOST:PORT`, `tls://HOST:PORT`, `unix:PATH`, `http://HOST:PORT` with
 * an optional path (`http://HOST:PORT/echo`) or `udp://HOST:PORT`.
 */
export function parseTarget(text: string): LoadTarget {
  const trimmed = text.trim();
  if (trimmed.startsWith("unix:")) {
    const path = trimmed.slice("unix:".length);
    if (path.length === 0)
      throw new TargetError(`expected unix:PATH with a path, got ${JSON.stringify(text)}`);
    return { kind: "unix", path };
  }
  const scheme = (Object.keys(SCHEMES) as (keyof typeof SCHEMES)[]).find((each) => trimmed.startsWith(each));
  const afterScheme = scheme === undefined ? trimmed : trimmed.slice(scheme.length);
  const pathStart = scheme === "http://" ? afterScheme.indexOf("/") : -1;
  const rest = pathStart === -1 ? afterScheme : afterScheme.slice(0, pathStart);
  const path = pathStart === -1 ? ROOT_PATH : afterScheme.slice(pathStart);
  const address = splitHostPort(rest);
  if (address === undefined || address.host === "" || address.port < 1 || /\s/.test(path)) {
    throw new TargetError(
      `expected a target such as ${TARGET_FORMS} (port 1-65535), got ${JSON.stringify(text)}`,
    );
  }
  const { host, port } = address;
  const kind = scheme === undefined ? "tcp" : SCHEMES[scheme];
  return kind === "http" ? { kind, host, port, path } : { kind, host, port };
}

/**
 * The target as the transport reaches it: --transport http takes `HOST:PORT` or `http://HOST:PORT[/PATH]`,
 * --transport udp `HOST:PORT` or `udp://HOST:PORT`; --transport tcp takes every other form.
 */
export function targetForTransport(text: string, transport: "http"): HttpTarget;
export function targetForTransport(text: string, transport: "tcp" | "http" | "udp"): LoadTarget;
export function targetForTransport(text: string, transport: "tcp" | "http" | "udp"): LoadTarget {
  const target = parseTarget(text);
  if (transport === "http" || transport === "udp") {
    if (target.kind === transport) return target;
    if (target.kind === "tcp" && !text.trim().startsWith("tcp://")) {
      return transport === "http" ? { ...target, kind: "http", path: ROOT_PATH } : { ...target, kind: "udp" };
    }
    const what = transport === "http" ? "plain HTTP/1.1" : "datagrams";
    const forms = transport === "http" ? "http://HOST:PORT[/PATH]" : "udp://HOST:PORT";
    throw new TargetError(
      `--transport ${transport} takes HOST:PORT or ${forms} (${what}), got ${JSON.stringify(text)}`,
    );
  }
  if (target.kind === "http" || target.kind === "udp") {
    throw new TargetError(
      `${JSON.stringify(text)} names ${target.kind}: load it with --transport ${target.kind} (or leave --transport out: the scheme chooses it)`,
    );
  }
  return target;
}

/** The target as its user writes it; an HTTP target's path only when it is not `/`. */
export function formatTarget(target: LoadTarget): string {
  if (target.kind === "unix") return `unix:${target.path}`;
  const scheme = target.kind === "tcp" ? "" : `${target.kind}://`;
  const path = target.kind === "http" && target.path !== ROOT_PATH ? target.path : "";
  return `${scheme}${formatHostPort(target.host, target.port)}${path}`;
}

/** `http://HOST:PORT`: the origin an HTTP client connects to, without the path it requests. */
export function originOf(target: HttpTarget): string {
  return `http://${formatHostPort(target.host, target.port)}`;
}

export interface ConnectorOptions {
  connectTimeoutMs: number;
  /** TLS: accept a certificate that does not verify (self-signed). */
  insecure?: boolean;
  /** TLS: extra trusted certificate authorities (PEM). */
  ca?: string | Buffer;
  /** Connection attempts per second at most (unpaced when absent). */
  connectRate?: number;
  /** Connect from this local address. */
  localAddress?: string;
  /** Connections the process means to hold: named when the file-descriptor limit is hit. */
  connectionsNeeded?: number;
  /**
   * Plain TCP and Unix sockets read into one buffer the connector owns (node's `onread`), handed to the
   * reader given to open() and valid only until it returns; TLS sockets read as usual. A read then
   * allocates nothing, where node's default allocates 64 KiB per read and, at 64 KiB messages, the
   * driver spent a sixth of its time in mark-compacts freeing them.
   */
  sharedReadBuffer?: boolean;
}

/** Gets one read of `socket`: `chunk` is the connector's shared buffer when `reusesReadBuffer`. */
export type SocketReader = (socket: Socket, chunk: Buffer) => void;

/**
 * Four times libuv's own 64 KiB read, so that one read takes in several 64 KiB replies; a larger buffer
 * gained nothing more (the figures: docs/design.md, "Why the driver's buffers are these sizes").
 */
const SHARED_READ_BUFFER_BYTES = 256 * 1024;

/** Opens sockets to one target; TLS sessions are cached and reused across the connections it opens. */
export class TargetConnector {
  private readonly connect: buildConnector.connector;
  /** Sockets still connecting: destroyed by abort() so that a finished run leaves nothing behind. */
  private readonly connecting = new Set<Socket>();
  private readonly pacer: ConnectPacer | undefined;
  private aborted = false;
  /** Read now: out of descriptors, reading /proc would fail too. */
  private readonly fdLimit = readFdLimit();
  /** Shared read buffer mode: each socket's reader, found by the socket node's onread callback names. */
  private readonly readers = new Map<Socket, SocketReader>();
  /** Whether chunks given to readers are views of one buffer, overwritten by the next read. */
  readonly reusesReadBuffer: boolean;

  constructor(
    readonly target: LoadTarget,
    private readonly options: ConnectorOptions,
  ) {
    this.pacer = options.connectRate !== undefined ? new ConnectPacer(options.connectRate) : undefined;
    this.reusesReadBuffer = options.sharedReadBuffer === true && target.kind !== "tls";
    // undici passes its options on to net.connect (but not, for TLS, to the socket that reads).
    this.connect = buildConnector({
      ...(this.reusesReadBuffer ? { onread: this.sharedReader() } : {}),
      timeout: options.connectTimeoutMs,
      keepAlive: true,
      ...(target.kind === "unix" ? { socketPath: target.path } : {}),
      ...(target.kind === "tls" ? { rejectUnauthorized: options.insecure !== true } : {}),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
  }

  /** node's onread option: one buffer for every socket, each read handed to its socket's reader. */
  private sharedReader(): { buffer: Buffer; callback: (byteCount: number, buffer: Buffer) => void } {
    const readers = this.readers;
    return {
      buffer: Buffer.allocUnsafe(SHARED_READ_BUFFER_BYTES),
      callback(this: Socket, byteCount: number, buffer: Buffer): void {
        readers.get(this)?.(this, buffer.subarray(0, byteCount));
      },
    };
  }

  /**
   * Connects, at the pace asked; rejects with a TargetError, or an FdLimitError naming `ulimit -n` when
   * the process is out of file descriptors. With a reader, every read of the socket goes to it (and no
   * 'data' event is emitted); a connector with a shared read buffer needs one.
   */
  async open(reader?: SocketReader): Promise<Socket> {
    if (this.reusesReadBuffer && reader === undefined) {
      throw new Error("a connector with a shared read buffer needs a reader for its sockets");
    }
    await this.pacer?.turn();
    if (this.aborted) throw new TargetError("the run ended");
    const target = this.target;
    const localAddress = target.kind === "unix" ? undefined : this.options.localAddress;
    const request =
      target.kind === "unix"
        ? { hostname: "localhost", protocol: "http:", port: "" }
        : {
            hostname: target.host,
            protocol: target.kind === "tls" ? "https:" : "http:",
            port: String(target.port),
            ...(localAddress !== undefined ? { localAddress } : {}),
          };
    return new Promise((resolve, reject) => {
      // undici's connector returns the socket it is connecting, though its type says void.
      const connect = this.connect as unknown as (...args: Parameters<buildConnector.connector>) => Socket;
      const pending = connect(request, (error, socket) => {
        this.connecting.delete(pending);
        if ((error as NodeJS.ErrnoException | null)?.code === "EMFILE") {
          const needed = fdsNeeded(this.options.connectionsNeeded ?? this.connecting.size);
          reject(
            new FdLimitError(
              `cannot connect to ${formatTarget(target)}: out of file descriptors (EMFILE) while holding ${this.options.connectionsNeeded ?? "many"} connections: ${fdLimitAdvice(needed, this.fdLimit)}`,
            ),
          );
          return;
        }
        if (error !== null || socket === null) {
          reject(
            new TargetError(`cannot connect to ${formatTarget(target)}: ${error?.message ?? "no socket"}`),
          );
          return;
        }
        resolve(socket);
      });
      this.connecting.add(pending);
      if (reader === undefined) return;
      if (this.reusesReadBuffer) {
        // Registered before the socket can read: reads come in a later turn of the event loop.
        this.readers.set(pending, reader);
        pending.once("close", () => this.readers.delete(pending));
      } else {
        pending.on("data", (chunk: Buffer) => reader(pending, chunk));
      }
    });
  }

  /** Gives up every connection attempt still under way (their open() calls reject). */
  abort(): void {
    this.aborted = true;
    this.pacer?.flush();
    for (const socket of this.connecting) socket.destroy(new Error("the run ended"));
    this.connecting.clear();
  }
}
