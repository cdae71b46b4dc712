// The script a cluster primary forks (cluster.setupPrimary({ exec })), whatever script the primary itself
// runs: it waits for its spec, serves it with the concurrent TCP server or the HTTP server, forwards its log
// lines to the primary and closes when the primary says so.

import type { PrimaryMessage, WorkerMessage } from "./cluster-protocol.js";
import { rebuildServerOptions } from "./cluster-protocol.js";
import { startConcurrentServer } from "./concurrent-server.js";
import { startHttpServer } from "./http-server.js";
import type { RunningServer } from "./server-options.js";

const sendToPrimary = process.send?.bind(process);
if (sendToPrimary === undefined) {
  process.stderr.write("cluster-worker is started by a cluster primary (startClusterServer), not by hand\n");
  process.exit(2);
}

const send = (message: WorkerMessage, then?: () => void) => sendToPrimary(message, undefined, {}, then);
// Ctrl-C in a terminal, or a service manager's stop, signals every process of the group. The primary
// handles it and closes its workers in order; a worker dying first would look like a crash to it.
// (A worker whose primary dies goes too: node:cluster exits a worker whose IPC channel closes.)
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

let server: RunningServer | undefined;

async function start(message: Extract<PrimaryMessage, { kind: "start" }>): Promise<void> {
  try {
    const options = rebuildServerOptions(message.spec, (line) => send({ kind: "log", line }));
    server =
      options.transport === "http" ? await startHttpServer(options) : await startConcurrentServer(options);
    send({ kind: "listening", host: server.host, port: server.port });
  } catch (error) {
    process.exitCode = 1;
    send({ kind: "failed", message: (error as Error).message }, () => process.disconnect());
  }
}

process.on("message", (message: PrimaryMessage) => {
  if (message.kind === "start") void start(message);
  // Disconnecting after the last message is flushed lets the worker end by itself, with exit code 0.
  else void (server?.close(message.graceMs) ?? Promise.resolve()).then(() => process.disconnect());
});

send({ kind: "ready" });
