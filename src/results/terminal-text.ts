// Text a user's server printed, made safe to show on a terminal: control characters (escape sequences
// that could clear the screen or print a fake "check passed", a carriage return that overwrites the
// line) and bidirectional overrides are shown as escapes, `\x1b`, `\r`, `\u202e`; the rest is kept.

/** The bidirectional marks, embeddings, overrides and isolates, which reorder what follows them. */
const BIDI_CONTROLS = new Set([
  0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069,
]);

const NAMED: Record<number, string> = { 10: "\\n", 13: "\\r", 8: "\\b", 12: "\\f", 11: "\\v" };

/** C0 controls but tab, DEL and the C1 controls (0x9b is a one-character CSI), bidirectional controls. */
function isUnsafe(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f) || BIDI_CONTROLS.has(code);
}

function escapeCode(code: number): string {
  return (
    NAMED[code] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`)
  );
}

export function escapeTerminalText(text: string): string {
  let escaped = "";
  for (const character of text) {
    const code = character.codePointAt(0) as number;
    escaped += isUnsafe(code) ? escapeCode(code) : character;
  }
  return escaped;
}
