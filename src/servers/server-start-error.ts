// A server could not start: its address is taken, a cluster worker died while starting, a variant and
// transport that do not go together, or (for the suites' reference servers) a process that never listened.

import { registerErrorClass, SockbenchError } from "../errors.js";

export class ServerStartError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_SERVER_START";
}
registerErrorClass(ServerStartError);
