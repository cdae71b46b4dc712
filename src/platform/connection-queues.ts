// How much of a connection's data waits in the kernel, read from Linux /proc/net/tcp{,6}: bytes the peer
// has not acknowledged, and bytes received but not read. A peer that stops reading stops acknowledging,
// which no Node API shows at once (a writer is woken only when a third of its send buffer is free again,
// megabytes later); check's mid-reply reset client watches its own connection so.

import { type ConnectionQueues, connectionQueues, readTcpTablesAsync } from "./proc-files.js";

export type { ConnectionQueues } from "./proc-files.js";

/** The queues of the connection from `localPort` to `remotePort`; undefined where /proc does not show it. */
export async function readConnectionQueues(
  localPort: number,
  remotePort: number,
): Promise<ConnectionQueues | undefined> {
  for (const table of await readTcpTablesAsync()) {
    const queues = connectionQueues(table, localPort, remotePort);
    if (queues !== undefined) return queues;
  }
  return undefined;
}
