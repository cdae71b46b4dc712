// The range the kernel draws ephemeral ports from (a client's local port, a listener on port 0), from
// /proc/sys/net/ipv4/ip_local_port_range, with Linux's default where it cannot be read.

import { type PortRange, parsePortRange, readEphemeralPortRange } from "./proc-files.js";

/** Linux's default ip_local_port_range. */
const LINUX_DEFAULT: PortRange = { low: 32768, high: 60999 };

/** The range this system uses, or the one `text` (the file's contents) gives. */
export function ephemeralPortRange(text?: string): PortRange {
  return (text === undefined ? readEphemeralPortRange() : parsePortRange(text)) ?? LINUX_DEFAULT;
}
