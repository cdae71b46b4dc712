// A free TCP port for a server sockbench starts, handed to it through `{port}` and PORT. It is drawn
// below the kernel's ephemeral range: a port of that range, free when chosen, can become a client's local
// port (any outgoing connection on the machine) before the server binds it, and the server then fails
// with "address in use". Below the range only another listener can take it.

import { createServer } from "node:net";
import { ephemeralPortRange } from "../platform/ephemeral-ports.js";

/** The lowest port drawn (above the well-known and most registered ones) and how many tries are made. */
const LOWEST_PORT = 10_000;
const ATTEMPTS = 64;

function listenOnce(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(undefined);
      else reject(error);
    });
    probe.listen(port, host, () => {
      const address = probe.address();
      const bound = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => resolve(bound > 0 ? bound : undefined));
    });
  });
}

export async function findFreePort(host: string): Promise<number> {
  const { low } = ephemeralPortRange();
  if (low > LOWEST_PORT + ATTEMPTS) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = LOWEST_PORT + Math.floor(Math.random() * (low - LOWEST_PORT));
      const bound = await listenOnce(host, port);
      if (bound !== undefined) return bound;
    }
  }
  // A range that leaves no room below it, or a machine with every port below it taken: the kernel picks.
  const bound = await listenOnce(host, 0);
  if (bound === undefined) throw new Error(`no free port on ${host}`);
  return bound;
}
