// Starts a server of the named variant, over TCP with a framing, over HTTP or over UDP.

import type { Transport } from "../results/transport.js";
import { defaultClusterWorkerCount, startClusterServer } from "./cluster-server.js";
import { startConcurrentServer } from "./concurrent-server.js";
import { startHttpServer } from "./http-server.js";
import { startSequentialServer } from "./sequential-server.js";
import type { AnyServerOptions, RunningServer, ServerVariant } from "./server-options.js";
import { ServerStartError } from "./server-start-error.js";
import { startSingleShotServer } from "./single-shot-server.js";
import { startUdpServer } from "./udp-server.js";

/** Why a variant cannot serve a transport, or undefined when it can. */
export function unsupportedCombination(variant: ServerVariant, transport: Transport): string | undefined {
  if (transport === "http" && (variant === "single-shot" || variant === "sequential")) {
    return `--transport http runs with --variant concurrent or cluster, not ${variant}: node:http accepts and serves every connection at once`;
  }
  if (transport === "udp" && variant !== "concurrent") {
    return `--transport udp runs with --variant concurrent only, not ${variant}: UDP has no connections to take one at a time or to share between processes, each datagram is answered as it comes`;
  }
  return undefined;
}

/** `workerCount` is the cluster variant's process count (one per core by default). */
export async function startServer(
  variant: ServerVariant,
  options: AnyServerOptions,
  workerCount = defaultClusterWorkerCount(),
): Promise<RunningServer> {
  const unsupported = unsupportedCombination(variant, options.transport ?? "tcp");
  if (unsupported) throw new ServerStartError(unsupported);
  if (options.transport === "udp") return startUdpServer(options);
  if (variant === "cluster") return startClusterServer(options, workerCount);
  if (options.transport === "http") return startHttpServer(options);
  switch (variant) {
    case "single-shot":
      return startSingleShotServer(options);
    case "sequential":
      return startSequentialServer(options);
    case "concurrent":
      return startConcurrentServer(options);
  }
}
