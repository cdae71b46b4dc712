// Parses an end token written on a command line, where `\r \n \t \0 \xNN` and `\\` stand for bytes,
// writes one back the same way, and defines the `--token` option.

import type { FramingOptionDefinition } from "./framing-definition.js";
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

const ESCAPED_BYTES = new Map<number, string>(
  Object.entries(SIMPLE_ESCAPES).map(([letter, byte]) => [byte, letter]),
);

/** The token as parseToken reads it back: printable ASCII as is, other bytes escaped. */
export function formatToken(token: Buffer): string {
  let text = "";
  for (const byte of token) {
    const escaped = ESCAPED_BYTES.get(byte);
    if (escaped !== undefined) text += `\\${escaped}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return text;
}

/** `--token`: eof's end token, typed with escapes. */
export const TOKEN_OPTION: FramingOptionDefinition = {
  key: "token",
  flag: "--token <text>",
  description: "eof: end token; escapes \\r \\n \\t \\0 \\xNN",
  defaultText: DEFAULT_TOKEN,
  parseText: parseToken,
};
