// Puts a fragmentation in front of a server for the length of one run: through a fault proxy when the
// fragmentation has proxy faults, straight to the server otherwise. Shared by check and bench.

import { startProxy } from "../proxy/start-proxy.js";
import type { Fragmentation } from "./fragmentations.js";

/** Calls `run` with the `HOST:PORT` the driver should load, and closes the proxy afterwards. */
export async function withFragmentedTarget<T>(
  server: { host: string; port: number },
  fragmentation: Fragmentation,
  run: (target: string) => Promise<T>,
): Promise<T> {
  if (!fragmentation.proxyFaults) return run(`${server.host}:${server.port}`);
  const proxy = await startProxy({
    listenHost: "127.0.0.1",
    listenPort: 0,
    targetHost: server.host,
    targetPort: server.port,
    faults: fragmentation.proxyFaults,
    direction: "both",
    // A fixed seed: a failing cell or scenario cuts the stream the same way when run again.
    seed: 1,
  });
  try {
    return await run(`${proxy.host}:${proxy.port}`);
  } finally {
    await proxy.close();
  }
}
