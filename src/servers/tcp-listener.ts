// The listening side shared by every variant: binds (TCP, TLS or a Unix socket), enforces max
// connections, tracks sockets so that close() is prompt, and announces the bound address. Variants
// only decide when a socket is served.

import { Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { formatHostPort } from "../host-port.js";
import { countOpenFds, fdLimitAdvice, fdsNeeded, readFdLimit } from "../platform/fd-limit.js";
import { ConnectionGuards } from "./connection-guards.js";
import { fileLimitWarning } from "./fd-limit.js";
import { describePeer } from "./serve-connection.js";
import type { ListenOptions, RunningServer } from "./server-options.js";

/**
 * How many connections fit under the file-descriptor limit, leaving room for what the process holds
 * already. Past it the OS would refuse to accept, and Node would close such connections without a word;
 * the listener refuses them itself first, with a line that says what to raise.
 */
function fdRoomOf(
  maxConnections: number,
): { connections: number; refusal(open: number): string } | undefined {
  const limit = readFdLimit();
  if (limit === undefined || !Number.isFinite(limit.soft)) return undefined;
  const held = countOpenFds() ?? 0;
  const connections = Math.max(0, limit.soft - held - FD_HEADROOM);
  if (connections >= maxConnections) return undefined;
  return {
    connections,
    refusal: (open) =>
      `out of file descriptors with ${open} connections open (ulimit -n is ${limit.soft}): for --max-connections ${maxConnections}, ${fdLimitAdvice(fdsNeeded(maxConnections), limit)}`,
  };
}

/** Descriptors kept free beyond those held at start: a log file, a worker's pipe, a TLS session file. */
const FD_HEADROOM = 8;

const DEFAULT_BACKLOG = 511;

export interface Listener extends RunningServer {
  readonly server: Server;
  readonly target: string;
  /** Marks the server finished (for variants that stop by themselves). */
  finish(): void;
}

/**
 * `server` defaults to a plain TCP server whose sockets stay paused until the variant serves them (a
 * queued connection must not be read yet), or with `options.tls` a TLS server whose decrypted sockets
 * are paused once the handshake is done; an HTTP server passes its own, which serves its sockets itself.
 */
function endAfterReplies(socket: Socket): void {
  socket.removeAllListeners("data");
  socket.on("data", () => {});
  socket.resume();
  socket.end();
}

export async function listen(
  options: ListenOptions,
  onSocket: (socket: Socket, guards: ConnectionGuards) => void,
  givenServer?: Server,
): Promise<Listener> {
  const sockets = new Set<Socket>();
  const guards = new ConnectionGuards(options);
  const isTls = givenServer === undefined && options.tls !== undefined;
  const server =
    givenServer ??
    (options.tls
      ? createTlsServer({ cert: options.tls.cert, key: options.tls.key })
      : createServer({ pauseOnConnect: true }));
  let markFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });

  const fdRoom = fdRoomOf(options.maxConnections);
  server.on(isTls ? "secureConnection" : "connection", (socket: Socket) => {
    // Over a Unix socket every peer is local and nameless: only the total is capped.
    const address = options.unixPath === undefined ? socket.remoteAddress : "unix";
    if (address === undefined) {
      // Reset before it was accepted: the kernel no longer knows who it was.
      guards.log.note(
        "gone",
        "a peer reset its connection before it could be accepted (its address is gone with it)",
      );
      socket.destroy();
      return;
    }
    if (sockets.size >= options.maxConnections) {
      guards.log.note(
        "max-connections",
        `${describePeer(socket)} refused: max connections ${options.maxConnections} reached`,
      );
      socket.destroy();
      return;
    }
    if (options.unixPath === undefined && !guards.admit(address)) {
      guards.log.note(
        "max-connections-per-address",
        `${describePeer(socket)} refused: ${guards.maxConnectionsPerAddress} connections from ${address} already (--max-connections-per-address)`,
      );
      socket.destroy();
      return;
    }
    if (fdRoom !== undefined && sockets.size >= fdRoom.connections) {
      guards.log.note("file-limit", `${describePeer(socket)} refused: ${fdRoom.refusal(sockets.size)}`);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => {
      sockets.delete(socket);
      if (options.unixPath === undefined) guards.leave(address);
    });
    if (isTls) socket.pause();
    onSocket(socket, guards);
  });
  if (isTls) {
    // A client that fails the handshake is that client's problem: one log line, the server goes on.
    server.on("tlsClientError", (error: Error, socket: Socket) => {
      guards.log.note(
        "tls-handshake",
        `${describePeer(socket)} closed: TLS handshake failed: ${error.message}`,
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const ready = () => {
      server.off("error", reject);
      resolve();
    };
    // The accept queue holds a burst as large as the connection limit (node's default is 511; the kernel
    // caps it at net.core.somaxconn): a flood of connects must not crowd out a legitimate SYN.
    const backlog = Math.max(DEFAULT_BACKLOG, options.maxConnections);
    if (options.unixPath !== undefined) server.listen(options.unixPath, backlog, ready);
    else server.listen(options.port, options.host, backlog, ready);
  });
  const warning = fileLimitWarning(options.maxConnections);
  if (warning) options.log(warning);
  const address = server.address();
  if (address === null) throw new Error("server has no address");
  const host = typeof address === "string" ? address : address.address;
  const port = typeof address === "string" ? 0 : address.port;
  const target =
    typeof address === "string" ? `unix:${address}` : `${isTls ? "tls://" : ""}${formatHostPort(host, port)}`;

  const close = async (graceMs = 0): Promise<void> => {
    const closed = server.listening
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    let graceTimer: NodeJS.Timeout | undefined;
    if (graceMs > 0) {
      if (server instanceof HttpServer) {
        // node:http closes idle connections itself; one whose response is in progress is idle once it
        // is sent, and a keep-alive timeout of 1 ms (Node adds its own second) closes it then.
        server.keepAliveTimeout = 1;
      } else {
        // Replies already written are flushed before the FIN; what arrives from now on is read and dropped,
        // so that the peer's own FIN is seen and the socket closes without waiting for the grace to end.
        for (const socket of sockets) endAfterReplies(socket);
      }
      graceTimer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
    } else {
      for (const socket of sockets) socket.destroy();
    }
    await closed;
    clearTimeout(graceTimer);
    guards.close();
    markFinished();
  };
  return { server, host, port, target, finished, close, finish: markFinished };
}
