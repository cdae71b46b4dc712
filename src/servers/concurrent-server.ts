// Serves every connection at once on the event loop.

import { serveConnection } from "./serve-connection.js";
import type { RunningServer, ServerOptions } from "./server-options.js";
import { listen } from "./tcp-listener.js";

export function startConcurrentServer(options: ServerOptions): Promise<RunningServer> {
  return listen(options, (socket, guards) => {
    void serveConnection(socket, options, guards);
  });
}
