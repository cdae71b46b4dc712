// How a host and port are written: an IPv6 literal goes in brackets (`[::1]:8080`), as in URLs, so that
// its colons cannot be taken for the port's. Every address the tool prints or parses goes through here.

import { isIPv6 } from "node:net";

/** `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`. */
export function formatHostPort(host: string, port: number): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** A host as the socket calls take it: `[::1]` (as typed beside a port) becomes `::1`. */
export function unbracketHost(host: string): string {
  const trimmed = host.trim();
  return trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
}
