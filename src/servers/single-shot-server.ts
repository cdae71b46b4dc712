// The lab's first server: accepts one connection, serves it until the client closes, then stops.

import { serveConnection } from "./serve-connection.js";
import type { RunningServer, ServerOptions } from "./server-options.js";
import { listen } from "./tcp-listener.js";

export async function startSingleShotServer(options: ServerOptions): Promise<RunningServer> {
  let accepted = false;
  const listener = await listen(options, (socket, guards) => {
    if (accepted) {
      socket.destroy();
      return;
    }
    accepted = true;
    listener.server.close();
    void serveConnection(socket, options, guards).then(() => listener.close());
  });
  return listener;
}
