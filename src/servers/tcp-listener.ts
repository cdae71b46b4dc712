// The listening side shared by every variant: binds, enforces max connections, tracks sockets so
// that close() is prompt, and announces the bound address. Variants only decide when a socket is served.

import { createServer, type Server, type Socket } from "node:net";
import { describePeer } from "./serve-connection.js";
import type { ListenOptions, RunningServer } from "./server-options.js";

export interface Listener extends RunningServer {
  readonly server: Server;
  /** Marks the server finished (for variants that stop by themselves). */
  finish(): void;
}

/**
 * `server` defaults to a plain TCP server whose sockets stay paused until the variant serves them (a
 * queued connection must not be read yet); an HTTP server passes its own, which serves its sockets itself.
 */
export async function listen(
  options: ListenOptions,
  onSocket: (socket: Socket) => void,
  server: Server = createServer({ pauseOnConnect: true }),
): Promise<Listener> {
  const sockets = new Set<Socket>();
  let markFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });

  server.on("connection", (socket) => {
    if (sockets.size >= options.maxConnections) {
      options.log(`${describePeer(socket)} refused: max connections ${options.maxConnections} reached`);
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    onSocket(socket);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");

  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    markFinished();
  };
  return { server, host: address.address, port: address.port, finished, close, finish: markFinished };
}
