// The flag of each load config field, so that a LoadConfigError, worded by the library in its fields
// (`splitPieces`), reaches a user of `load` and `k8s-job` in the flags they typed (`--split`).

import type { LoadConfig, LoadConfigError } from "../clients/load/core/load-config.js";

/** Fields whose flag is not `--` and the field's name in kebab-case. */
const RENAMED: Partial<Record<keyof LoadConfig, string>> = {
  splitPieces: "--split",
  durationMs: "--duration",
  warmupMs: "--warmup",
  timeoutMs: "--timeout",
  sizesBytes: "--sizes",
  startAtMs: "--start-at",
  maxFrameBytes: "--max-frame",
};

export function flagOfLoadField(field: string): string {
  return (
    RENAMED[field as keyof LoadConfig] ??
    `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`
  );
}

/** The error's message with each config field named by its flag. */
export function loadConfigErrorText(error: LoadConfigError): string {
  return error.wordedWith(flagOfLoadField);
}
