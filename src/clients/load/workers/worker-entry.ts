// The body of one --workers thread: a LoadRun on its share of the connections, started on the driver's word.

import { parentPort, workerData } from "node:worker_threads";
import { serializeError } from "../../../errors.js";
import type { ResolvedLoadConfig } from "../core/load-config.js";
import { LoadRun } from "../core/load-run.js";
import "../load-transports.js";
import { loadExpectation } from "../verification/expectation-module.js";
import { loadFramingModules } from "../verification/framing-module.js";
import type { DriverCommand, WorkerReport } from "./run-in-workers.js";

const port = parentPort;
if (port === null) throw new Error("worker-entry runs only as a worker thread");
const post = (report: WorkerReport) => port.postMessage(report);

/** Buffers arrive as plain Uint8Arrays after the structured clone. */
function revive(config: ResolvedLoadConfig): ResolvedLoadConfig {
  const asBuffer = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes));
  const message = config.message !== undefined ? { message: asBuffer(config.message) } : {};
  if (config.transport !== "tcp") return { ...config, ...message };
  return {
    ...config,
    ...message,
    ...(config.ca !== undefined && typeof config.ca !== "string" ? { ca: asBuffer(config.ca) } : {}),
  };
}

const config = revive((workerData as { config: ResolvedLoadConfig }).config);
try {
  // A framing module is known in the thread that imported it: this one imports it again, by its path.
  if (config.transport === "tcp") await loadFramingModules(config);
  const run = new LoadRun(config, await loadExpectation(config), {
    onProgress: (progress) => post({ type: "progress", progress }),
  });
  await run.open();
  post({ type: "ready" });
  await new Promise<void>((resolve) => port.once("message", () => resolve()));
  port.on("message", (command: DriverCommand) => {
    if (command.type === "stop") run.interrupt();
  });
  // CPU time is the whole process's: the coordinating thread measures it once for all workers.
  const { cpu: _wholeProcess, ...result } = await run.measure();
  post({ type: "result", result });
} catch (error) {
  post({ type: "error", error: serializeError(error) });
}
port.close();
