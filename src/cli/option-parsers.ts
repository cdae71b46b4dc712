// Parsers for command-line values: each returns a typed value or throws commander's
// InvalidArgumentError with a message that says what is allowed, so every command reports alike.

import bytes from "bytes-iec";
import { InvalidArgumentError, Option } from "commander";
import ms from "ms";
import { parseShard, type Shard } from "../clients/load/core/load-share.js";
import { splitHostPort } from "../host-port.js";
import { formatDurationMs, formatPercent } from "../report/format-number.js";

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

/**
 * A duration to whole milliseconds >= 0. A bare number is seconds, as autocannon's and wrk's `-d 10`;
 * with a unit it is what it says: `500ms`, `1.5s`, `2m`, `1h`.
 */
export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  const value = /^\d+(\.\d+)?$/.test(trimmed)
    ? Number(trimmed) * 1000
    : /^\d/.test(trimmed)
      ? ms(trimmed as ms.StringValue)
      : undefined;
  if (value === undefined || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(
      `expected a duration such as 10 (seconds), 500ms, 10s or 2m (not negative), got ${JSON.stringify(text)}`,
    );
  }
  return Math.round(value);
}

/** An option taking a duration, its default shown in --help with its unit (`5s`, not `5000`). */
export function durationOption(flags: string, description: string, defaultMs?: number): Option {
  const option = new Option(flags, description).argParser(parseDurationMs);
  return defaultMs === undefined ? option : option.default(defaultMs, formatDurationMs(defaultMs));
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
  const address = splitHostPort(text);
  if (address === undefined) {
    throw new InvalidArgumentError(`expected HOST:PORT such as 127.0.0.1:65432, got ${JSON.stringify(text)}`);
  }
  return { host: address.host || "127.0.0.1", port: address.port };
}

/** `10%` or a bare `10`: ten percent, the fraction 0.1. */
export function parsePercent(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!match) {
    throw new InvalidArgumentError(
      `expected a percentage such as 10% or 10 (ten percent), got ${JSON.stringify(text)}`,
    );
  }
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

/** An option taking a percentage, its default shown in --help as percent (`10%`, not `0.1`). */
export function percentOption(flags: string, description: string, defaultFraction: number): Option {
  return new Option(flags, description)
    .argParser(parsePercent)
    .default(defaultFraction, formatPercent(defaultFraction));
}

const COUNT_SUFFIXES: Record<string, number> = { "": 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1e9, G: 1e9 };

/** A count per second such as `50000`, `50k` or `1.5M` (powers of 1000), with an optional `/s`. */
export function parseRatePerSecond(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)\s*(?:\/s)?\s*$/.exec(text);
  if (!match) {
    throw new InvalidArgumentError(
      `expected messages per second such as 50000, 50k or 1.5M, got ${JSON.stringify(text)}`,
    );
  }
  return Number(match[1]) * (COUNT_SUFFIXES[match[2] as string] as number);
}

const LATENCY_UNITS_US: Record<string, number> = { "": 1e6, s: 1e6, ms: 1e3, us: 1, µs: 1 };

/**
 * A latency to microseconds, finer than parseDurationMs: `2ms`, `500us` (or `500µs`), `0.5ms`, `1s`;
 * a bare number is seconds, as for every duration.
 */
export function parseLatencyUs(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|ms|us|µs)?\s*$/.exec(text);
  if (!match) {
    throw new InvalidArgumentError(
      `expected a latency such as 2ms, 500us or 0.5ms (a bare number is seconds), got ${JSON.stringify(text)}`,
    );
  }
  return Math.round(Number(match[1]) * (LATENCY_UNITS_US[match[2] ?? ""] as number));
}

/** `50,90,99,99.9,99.99`: percentiles above 0 and at most 100, each once, in ascending order. */
export function parsePercentileList(text: string): number[] {
  const parts = text.split(",").map((part) => part.trim());
  const values = parts.map((part) => (/^\d+(\.\d+)?$/.test(part) ? Number(part) : Number.NaN));
  if (values.some((value) => !(value > 0 && value <= 100))) {
    throw new InvalidArgumentError(
      `expected percentiles above 0 and at most 100 separated by commas, such as 50,90,99,99.9,99.99, got ${JSON.stringify(text)}`,
    );
  }
  return [...new Set(values)].sort((a, b) => a - b);
}

/** A parser of one of `allowed`, naming them all when the text is another. */
export function parseOneOf<T extends string>(allowed: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(allowed as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${allowed.join(", ")}, got ${JSON.stringify(text)}`);
    }
    return text as T;
  };
}

/** A parser of a comma-separated list drawn from `allowed` (each once, in the order given). */
export function parseListOf<T extends string>(allowed: readonly T[]): (text: string) => T[] {
  return (text) => {
    const names = text.split(",").map((name) => name.trim());
    const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
    if (unknown.length > 0 || names.length === 0) {
      throw new InvalidArgumentError(
        `expected a comma-separated list of ${allowed.join(", ")}, got ${JSON.stringify(text)}`,
      );
    }
    return [...new Set(names)] as T[];
  };
}
