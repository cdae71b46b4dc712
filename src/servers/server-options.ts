// What every server variant takes: where to listen, the framing and app to serve, and the limits that protect it.

import type { App } from "../apps/app.js";
import type { Framing } from "../framing/framing.js";

export const SERVER_VARIANTS = ["single-shot", "sequential", "concurrent", "cluster"] as const;
export type ServerVariant = (typeof SERVER_VARIANTS)[number];

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 65432;
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;

/** What the listening side needs, whatever is served on it. */
export interface ListenOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A connection silent this long is closed; 0 disables the timeout. */
  idleTimeoutMs: number;
  /** Connections beyond this many (served or queued) are closed at once with a log line. */
  maxConnections: number;
  /** Absent: a quarter of maxConnections. Connections beyond this many from one address are refused. */
  maxConnectionsPerAddress?: number;
  /** A frame must be complete this long after its first byte, or its peer is closed; 0: never. Absent: 30 s. */
  frameTimeoutMs?: number;
  /** Mid-frame, a peer sending slower than this (over 5 s windows) is closed; 0: no minimum. Absent: 1 KiB/s. */
  minReceiveBytesPerS?: number;
  /** Bytes held for all connections (partial frames, unsent replies) before the largest holders stop being read. Absent: a quarter of memory. */
  maxBufferedBytes?: number;
  /** One line per event worth a log (protocol errors, refused connections); at most one per reason a second, with counts. */
  log: (line: string) => void;
  /** Serve TLS with this certificate and key (PEM); the decrypted sockets are served like plain ones. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Listen on this Unix socket path instead of host and port. */
  unixPath?: string;
}

export interface ServerOptions extends ListenOptions {
  /** Absent means tcp. */
  transport?: "tcp";
  framing: Framing;
  app: App;
}

export interface HttpServerOptions extends ListenOptions {
  transport: "http";
  app: App;
  /** A request body above this gets 413 (the part --max-frame plays for the TCP framings). */
  maxBodyBytes: number;
}

/** UDP has no connections: nothing to accept, time out, count or encrypt. */
export interface UdpServerOptions extends Pick<ListenOptions, "host" | "port" | "log"> {
  transport: "udp";
  app: App;
  /** A request datagram above this is dropped with a log line (the part --max-frame plays over TCP). */
  maxRequestBytes: number;
}

/** The servers over a byte stream (TCP): what the cluster variant hands to its workers. */
export type StreamServerOptions = ServerOptions | HttpServerOptions;
export type AnyServerOptions = StreamServerOptions | UdpServerOptions;

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** Where a client finds it, in `load --target` form: `HOST:PORT`, `tls://HOST:PORT` or `unix:PATH`. */
  readonly target?: string;
  /** Settles when the server stops by itself (single-shot) or is closed. */
  readonly finished: Promise<void>;
  /**
   * Stops accepting, closes every connection and waits until the server is down. With `graceMs` (Ctrl-C
   * on `serve`) a connection stops being read, its replies already written still go out, and it is ended
   * cleanly; whatever is still open after `graceMs` is destroyed. Without, connections are destroyed at once.
   */
  close(graceMs?: number): Promise<void>;
}
