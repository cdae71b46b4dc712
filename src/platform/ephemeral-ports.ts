// The range the kernel draws ephemeral ports from (a client's local port, a listener on port 0), from
// /proc/sys/net/ipv4/ip_local_port_range, with Linux's default where it cannot be read.

import { readFileSync } from "node:fs";

export interface PortRange {
  low: number;
  high: number;
}

/** Linux's default ip_local_port_range. */
const LINUX_DEFAULT: PortRange = { low: 32768, high: 60999 };

export function ephemeralPortRange(text?: string): PortRange {
  let source = text;
  try {
    source ??= readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8");
  } catch {
    return LINUX_DEFAULT;
  }
  const [low, high] = source.trim().split(/\s+/).map(Number);
  if (low === undefined || high === undefined || !(low >= 1 && high >= low && high <= 65535))
    return LINUX_DEFAULT;
  return { low, high };
}
