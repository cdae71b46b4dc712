// How a host and port are written: an IPv6 literal goes in brackets (`[::1]:8080`), as in URLs, so that
// its colons cannot be taken for the port's. Every address the tool prints or parses goes through here.

import { isIPv6 } from "node:net";

/** `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`. */
export function formatHostPort(host: string, port: number): string {
  return `${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** HOST:PORT, or [IPv6]:PORT with the brackets; a host holds no `/` and may be empty (`:8080`). */
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:/]*)):(\d{1,5})$/;

/**
 * The one parser of `HOST:PORT`, `[::1]:PORT` and `:PORT` (host ""): the host unbracketed, the port
 * 0-65535; undefined when `text` is none of these. Callers decide whether an empty host or port 0 will do.
 */
export function splitHostPort(text: string): { host: string; port: number } | undefined {
  const match = HOST_PORT.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port > 65535) return undefined;
  return { host: match[1] ?? match[2] ?? "", port };
}

/** A host as the socket calls take it: `[::1]` (as typed beside a port) becomes `::1`. */
export function unbracketHost(host: string): string {
  const trimmed = host.trim();
  return trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
}
