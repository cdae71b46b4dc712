// Where the load goes and how a connection to it is opened: plain TCP, TLS or a Unix socket, all
// through undici's buildConnector (connect timeout, keep-alive, TLS session reuse) so one path serves all
// three; an HTTP target is a host and port that the HTTP transport reaches through the same connector.

import type { Socket } from "node:net";
import { buildConnector } from "undici";

/** http: a plain TCP host and port that the HTTP transport speaks HTTP/1.1 to. */
export type LoadTarget =
  | { kind: "tcp" | "tls" | "http"; host: string; port: number }
  | { kind: "unix"; path: string };

/** The target is written wrong or cannot be reached. */
export class TargetError extends Error {
  override readonly name = "TargetError";
  readonly code = "SOCKBENCH_TARGET";
}

const HOST_PORT = /^(?:\[([^\]]+)\]|([^:/]+)):(\d{1,5})$/;
const TARGET_FORMS = "HOST:PORT, tls://HOST:PORT, unix:PATH or http://HOST:PORT";
const SCHEMES = { "tls://": "tls", "http://": "http" } as const;

/** `HOST:PORT`, `[::1]:PORT`, `tls://HOST:PORT`, `unix:PATH` or `http://HOST:PORT` (a trailing `/` allowed). */
export function parseTarget(text: string): LoadTarget {
  const trimmed = text.trim();
  if (trimmed.startsWith("unix:")) {
    const path = trimmed.slice("unix:".length);
    if (path.length === 0)
      throw new TargetError(`expected unix:PATH with a path, got ${JSON.stringify(text)}`);
    return { kind: "unix", path };
  }
  const scheme = (Object.keys(SCHEMES) as (keyof typeof SCHEMES)[]).find((each) => trimmed.startsWith(each));
  let rest = scheme === undefined ? trimmed : trimmed.slice(scheme.length);
  if (scheme === "http://" && rest.endsWith("/")) rest = rest.slice(0, -1);
  const match = HOST_PORT.exec(rest);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port < 1 || port > 65535) {
    throw new TargetError(
      `expected a target such as ${TARGET_FORMS} (port 1-65535), got ${JSON.stringify(text)}`,
    );
  }
  return {
    kind: scheme === undefined ? "tcp" : SCHEMES[scheme],
    host: (match[1] ?? match[2]) as string,
    port,
  };
}

/**
 * The target as the transport reaches it: --transport http takes `HOST:PORT` or `http://HOST:PORT`;
 * --transport tcp takes every other form.
 */
export function targetForTransport(text: string, transport: "tcp" | "http"): LoadTarget {
  const target = parseTarget(text);
  if (transport === "http") {
    if (target.kind === "tcp" || target.kind === "http") return { ...target, kind: "http" };
    throw new TargetError(
      `--transport http takes HOST:PORT or http://HOST:PORT (plain HTTP/1.1), got ${JSON.stringify(text)}`,
    );
  }
  if (target.kind === "http") {
    throw new TargetError(`${JSON.stringify(text)} is an HTTP target: load it with --transport http`);
  }
  return target;
}

export function formatTarget(target: LoadTarget): string {
  if (target.kind === "unix") return `unix:${target.path}`;
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const scheme = target.kind === "tls" ? "tls://" : target.kind === "http" ? "http://" : "";
  return `${scheme}${host}:${target.port}`;
}

export interface ConnectorOptions {
  connectTimeoutMs: number;
  /** TLS: accept a certificate that does not verify (self-signed). */
  insecure?: boolean;
  /** TLS: extra trusted certificate authorities (PEM). */
  ca?: string | Buffer;
}

/** Opens sockets to one target; TLS sessions are cached and reused across the connections it opens. */
export class TargetConnector {
  private readonly connect: buildConnector.connector;
  /** Sockets still connecting: destroyed by abort() so that a finished run leaves nothing behind. */
  private readonly connecting = new Set<Socket>();

  constructor(
    readonly target: LoadTarget,
    options: ConnectorOptions,
  ) {
    this.connect = buildConnector({
      timeout: options.connectTimeoutMs,
      keepAlive: true,
      ...(target.kind === "unix" ? { socketPath: target.path } : {}),
      ...(target.kind === "tls" ? { rejectUnauthorized: options.insecure !== true } : {}),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
  }

  open(): Promise<Socket> {
    const target = this.target;
    const request =
      target.kind === "unix"
        ? { hostname: "localhost", protocol: "http:", port: "" }
        : {
            hostname: target.host,
            protocol: target.kind === "tls" ? "https:" : "http:",
            port: String(target.port),
          };
    return new Promise((resolve, reject) => {
      // undici's connector returns the socket it is connecting, though its type says void.
      const connect = this.connect as unknown as (...args: Parameters<buildConnector.connector>) => Socket;
      const pending = connect(request, (error, socket) => {
        this.connecting.delete(pending);
        if (error !== null || socket === null) {
          reject(
            new TargetError(`cannot connect to ${formatTarget(target)}: ${error?.message ?? "no socket"}`),
          );
          return;
        }
        resolve(socket);
      });
      this.connecting.add(pending);
    });
  }

  /** Gives up every connection attempt still under way (their open() calls reject). */
  abort(): void {
    for (const socket of this.connecting) socket.destroy(new Error("the run ended"));
    this.connecting.clear();
  }
}
