// The body of one check thread: runs each cell it is handed and answers with the result.

import { parentPort } from "node:worker_threads";
import { runCheckCell } from "./check-suite.js";
import type { CheckThreadReply, CheckThreadRequest } from "./check-threads.js";

const port = parentPort;
if (port === null) throw new Error("check-worker runs only as a worker thread");

port.on("message", (request: CheckThreadRequest) => {
  runCheckCell(request.plan).then(
    (cell) => port.postMessage({ id: request.id, cell } satisfies CheckThreadReply),
    (error: Error) => port.postMessage({ id: request.id, error: error.message } satisfies CheckThreadReply),
  );
});
