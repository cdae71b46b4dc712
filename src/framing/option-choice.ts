// A framing option that takes one of a few values (--length-bytes 1|2|4|8, --line-ending lf|crlf): the
// value as typed or as a library caller passes it, else a FramingError naming what is allowed.

import { FramingError } from "./framing-error.js";

/** One of `allowed` (a number may come as its text, "2"); else a FramingError naming `flag` and the choices. */
export function oneOf<T extends string | number>(flag: string, allowed: readonly T[], value: unknown): T {
  const found = allowed.find((candidate) => String(candidate) === String(value));
  if (found === undefined || (typeof value !== "string" && typeof value !== typeof found)) {
    throw new FramingError(
      "invalid-option",
      `${flag} must be ${allowed.join(", ").replace(/, ([^,]*)$/, " or $1")}, got ${JSON.stringify(value)}`,
    );
  }
  return found;
}
