// Serves one connection at a time, like the lab's server that keeps running: later clients are
// accepted and queued (not read, not refused) and served in arrival order.

import type { Socket } from "node:net";
import type { ConnectionGuards } from "./connection-guards.js";
import { serveConnection } from "./serve-connection.js";
import type { RunningServer, ServerOptions } from "./server-options.js";
import { listen } from "./tcp-listener.js";

export function startSequentialServer(options: ServerOptions): Promise<RunningServer> {
  const waiting: Socket[] = [];
  let serving = false;

  const serveNext = async (guards: ConnectionGuards): Promise<void> => {
    serving = true;
    for (let socket = waiting.shift(); socket !== undefined; socket = waiting.shift()) {
      if (!socket.destroyed) await serveConnection(socket, options, guards);
    }
    serving = false;
  };

  return listen(options, (socket, guards) => {
    waiting.push(socket);
    if (!serving) void serveNext(guards);
  });
}
