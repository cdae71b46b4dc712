// The transports a load runs over, registered by name (core/transport-registry.ts). Importing this module
// registers them: load-driver.ts and a worker thread's body import it before any run, and the run itself
// knows none of them.

import { targetForTransport } from "./core/target.js";
import { registerTransport } from "./core/transport-registry.js";
import { HttpTransport } from "./http/http-transport.js";
import { TcpTransport } from "./tcp/tcp-transport.js";
import { UdpTransport } from "./udp/udp-transport.js";

registerTransport(
  "tcp",
  (config, host) => new TcpTransport(config, targetForTransport(config.target, "tcp"), host),
);
registerTransport(
  "http",
  (config, host) => new HttpTransport(config, targetForTransport(config.target, "http"), host),
);
registerTransport(
  "udp",
  (config, host) => new UdpTransport(config, targetForTransport(config.target, "udp"), host),
);
