// A size that must match a command line to the byte (a shrunk failure's `--sizes 2097151`): in a binary
// unit only when it is a whole number of them, else in bytes, so that no rounding hides the case.

import { formatCount } from "./format-number.js";

const UNITS: readonly [string, number][] = [
  ["GiB", 1024 ** 3],
  ["MiB", 1024 ** 2],
  ["KiB", 1024],
];

/** `64 B`, `1 KiB`, `2 MiB`; `2,097,151 B`, not the `2 MiB` it rounds to. */
export function formatExactSize(sizeBytes: number): string {
  const unit = UNITS.find(([, factor]) => sizeBytes >= factor && sizeBytes % factor === 0);
  return unit === undefined ? `${formatCount(sizeBytes)} B` : `${sizeBytes / unit[1]} ${unit[0]}`;
}
