// Sizes as a person reads them: 64 B, 1 KiB, 64 KiB, 1 MiB.

import bytes from "bytes-iec";

export function formatSizeBytes(sizeBytes: number): string {
  return bytes.format(sizeBytes, { mode: "binary", unitSeparator: " " }) ?? `${sizeBytes} B`;
}
