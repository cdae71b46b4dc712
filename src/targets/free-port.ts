// A free TCP port for a server sockbench starts: the kernel picks one for a listener that is closed at
// once, and the port is handed to the server through `{port}` and PORT.

import { createServer } from "node:net";

export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}
