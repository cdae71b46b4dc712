// Parses an end token written on a command line, where `\r \n \t \0 \xNN` and `\\` stand for bytes.

import { FramingError } from "./framing-error.js";

export const DEFAULT_TOKEN = "<EOF>";

const SIMPLE_ESCAPES: Record<string, number> = { r: 0x0d, n: 0x0a, t: 0x09, "0": 0x00, "\\": 0x5c };

export function parseToken(text: string): Buffer {
  const bytes: number[] = [];
  const utf8 = Buffer.from(text, "utf8");
  for (let index = 0; index < utf8.length; index++) {
    const byte = utf8[index] as number;
    if (byte !== 0x5c) {
      bytes.push(byte);
      continue;
    }
    const escapeLetter = String.fromCharCode(utf8[index + 1] ?? 0);
    const simple = SIMPLE_ESCAPES[escapeLetter];
    if (simple !== undefined && index + 1 < utf8.length) {
      bytes.push(simple);
      index += 1;
      continue;
    }
    const hex = utf8.subarray(index + 2, index + 4).toString("latin1");
    if (escapeLetter === "x" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 3;
      continue;
    }
    throw new FramingError(
      "invalid-option",
      `bad escape in token ${JSON.stringify(text)} at character ${index}: allowed escapes are \\r \\n \\t \\0 \\\\ and \\xNN`,
    );
  }
  if (bytes.length === 0) throw new FramingError("invalid-option", "the eof token must not be empty");
  return Buffer.from(bytes);
}
