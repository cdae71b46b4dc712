// Parsers for command-line values: each returns a typed value or throws commander's
// InvalidArgumentError with a message that says what is allowed, so every command reports alike.

import bytes from "bytes-iec";
import { InvalidArgumentError } from "commander";
import ms from "ms";

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
