// Before a check against `--target HOST:PORT`: when HOST is this machine, something must listen on
// PORT, seen in the kernel's tables without connecting (a probe would use up a single-shot server's
// one client). Else every cell would fail as if the protocol were wrong, then shrink for nothing.

import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { formatHostPort } from "../host-port.js";
import { isPortListening } from "./listening-port.js";
import { TargetSetupError } from "./target-error.js";

/** Whether `host` names this machine: loopback, a wildcard, or the address of one of its interfaces. */
function isThisMachine(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 0) return false;
  if (host.startsWith("127.") || ["::1", "0.0.0.0", "::"].includes(host)) return true;
  return Object.values(networkInterfaces()).some((addresses) =>
    (addresses ?? []).some((address) => address.address === host),
  );
}

/** Throws a TargetSetupError when `host` is this machine and nothing listens on `port`. */
export async function assertTargetListening(host: string, port: number): Promise<void> {
  if (!isThisMachine(host)) return;
  if ((await isPortListening(port)) !== false) return;
  throw new TargetSetupError(
    "target-unreachable",
    `cannot connect to ${formatHostPort(host, port)}: nothing listens on port ${port} on this machine; start your server first, or give --server CMD and sockbench starts it`,
  );
}
