// The message for a listening address that is taken (EADDRINUSE), shared by serve and proxy: it says
// what happened and how to pick another, rather than Node's bare error code.

import { CommandFailure } from "./exit-codes.js";

export function addressInUse(
  where: { host: string; port: number } | { unixPath: string },
  option: string,
): CommandFailure {
  if ("unixPath" in where) {
    return new CommandFailure(
      `${where.unixPath} is taken: another server listens there, or a stale socket file was left; remove it or pick another ${option} path`,
    );
  }
  return new CommandFailure(
    `port ${where.port} on ${where.host} is taken (another program listens there): pick another with ${option}, or port 0 for a free one (printed after "listening on")`,
  );
}

/** Rethrows EADDRINUSE as addressInUse's message; anything else unchanged. */
export function explainAddressInUse(where: Parameters<typeof addressInUse>[0], option: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw error.code === "EADDRINUSE" ? addressInUse(where, option) : error;
  };
}
