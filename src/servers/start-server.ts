// Starts a server of the named variant.

import { startConcurrentServer } from "./concurrent-server.js";
import { startSequentialServer } from "./sequential-server.js";
import type { RunningServer, ServerOptions, ServerVariant } from "./server-options.js";
import { startSingleShotServer } from "./single-shot-server.js";

export function startServer(variant: ServerVariant, options: ServerOptions): Promise<RunningServer> {
  switch (variant) {
    case "single-shot":
      return startSingleShotServer(options);
    case "sequential":
      return startSequentialServer(options);
    case "concurrent":
      return startConcurrentServer(options);
    case "cluster":
      throw new Error("the cluster variant is started by the serve command (it needs a process per core)");
  }
}
