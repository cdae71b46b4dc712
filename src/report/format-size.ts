// Sizes and byte rates as a person reads them, in binary units everywhere: 64 B, 1 KiB, 1.5 MiB, 12.3 MiB/s.

import bytes from "bytes-iec";

export function formatSizeBytes(sizeBytes: number, decimalPlaces = 2): string {
  return (
    bytes.format(Math.round(sizeBytes), { mode: "binary", unitSeparator: " ", decimalPlaces }) ??
    `${sizeBytes} B`
  );
}

export function formatBytesPerSecond(bytesPerSecond: number): string {
  return `${formatSizeBytes(bytesPerSecond)}/s`;
}
