// Parsers for command-line values: each returns a typed value or throws commander's
// InvalidArgumentError with a message that says what is allowed, so every command reports alike.

import bytes from "bytes-iec";
import { InvalidArgumentError } from "commander";
import ms from "ms";
import { parseShard, type Shard } from "../clients/load/core/load-share.js";

/** `64`, `1KiB`, `16MiB` (IEC, powers of 1024) or `1kB`, `1MB` (SI, powers of 1000) to whole bytes. */
export function parseSizeBytes(text: string): number {
  const value = /^\s*\d+(\.\d+)?\s*[a-zA-Z]*\s*$/.test(text) ? bytes.parse(text) : null;
  if (value === null || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(
      `expected a size in bytes such as 64, 1KiB or 16MiB, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

/** A comma-separated list of sizes: `64,1KiB,1MiB`. */
export function parseSizeList(text: string): number[] {
  const sizes = text.split(",").map((part) => parseSizeBytes(part.trim()));
  if (sizes.length === 0) throw new InvalidArgumentError("expected at least one size");
  return sizes;
}

/** `500ms`, `10s`, `2m` (a bare number is milliseconds) to whole milliseconds >= 0. */
export function parseDurationMs(text: string): number {
  const value = /^\s*\d/.test(text) ? ms(text.trim() as ms.StringValue) : undefined;
  if (value === undefined || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(
      `expected a duration such as 500ms, 10s or 2m (not negative), got ${JSON.stringify(text)}`,
    );
  }
  return Math.round(value);
}

export function parseIntegerInRange(minimum: number, maximum: number): (text: string) => number {
  return (text) => {
    const value = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
      throw new InvalidArgumentError(
        `expected a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(text)}`,
      );
    }
    return value;
  };
}

export const parsePort = parseIntegerInRange(0, 65535);

export interface HostPort {
  host: string;
  port: number;
}

/** `HOST:PORT`, `:PORT` (127.0.0.1) or `[::1]:PORT`. */
export function parseHostPort(text: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65535) {
    throw new InvalidArgumentError(`expected HOST:PORT such as 127.0.0.1:65432, got ${JSON.stringify(text)}`);
  }
  return { host: match[1] ?? (match[2] || "127.0.0.1"), port };
}

/** `10%` or `10` to the fraction 0.1. */
export function parsePercent(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!match)
    throw new InvalidArgumentError(`expected a percentage such as 10%, got ${JSON.stringify(text)}`);
  return Number(match[1]) / 100;
}

/**
 * `--start-at`: an ISO 8601 instant with its zone (2026-12-01T10:30:00Z, ...+01:00), or `+DURATION`
 * from now (+30s); ms since the epoch.
 */
export function parseStartAt(text: string, nowMs = Date.now()): number {
  const trimmed = text.trim();
  if (trimmed.startsWith("+")) return nowMs + parseDurationMs(trimmed.slice(1));
  const hasZone = /(?:Z|[+-]\d\d:?\d\d)$/i.test(trimmed);
  const epochMs = /^\d{4}-\d\d-\d\dT/.test(trimmed) && hasZone ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(epochMs)) {
    throw new InvalidArgumentError(
      `expected an instant with its zone such as 2026-12-01T10:30:00Z, or +DURATION from now such as +30s, got ${JSON.stringify(text)}`,
    );
  }
  return epochMs;
}

/** `--shard I/N`: shard I (from 0) of N. */
export function parseShardOption(text: string): Shard {
  try {
    return parseShard(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
