// The files a run leaves (load --out and --hgrm, bench's results, merge --out): each path is tried
// before the work starts, and a write that fails at the end anyway puts the text in a fallback file, or
// on stdout, so that a finished run is never lost.

import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { checkWritable, writeFileAtomic } from "../platform/atomic-file.js";
import { CommandFailure } from "./exit-codes.js";

const REASONS: Record<string, string> = {
  ENOENT: "no such directory",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large for this process or file system",
};

/** A failed write in words: `ENOSPC (no space left on the device)`. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return (error as Error).message;
  return REASONS[code] !== undefined ? `${code} (${REASONS[code]})` : code;
}

/** Exit 2 before the run unless `path` (given as `option`) can be written: a file in a writable directory. */
export async function checkOutputPath(option: string, path: string): Promise<void> {
  try {
    await checkWritable(path);
  } catch (error) {
    throw new CommandFailure(
      `cannot write ${option} ${path}: ${describeWriteError(error)}; give a file in an existing directory you may write to`,
    );
  }
}

/** Exit 2 before the run unless files can be made in directory `path` (given as `option`), made if missing. */
export async function checkOutputDirectory(option: string, path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
    await checkWritable(join(path, "sockbench-output"));
  } catch (error) {
    throw new CommandFailure(
      `cannot write to ${option} ${path}: ${describeWriteError(error)}; give a directory you may write to (made if missing)`,
    );
  }
}

export interface SavedOutput {
  /** Where the text is: the path asked for, a fallback file, or "stdout". */
  at: string;
  /** Set when the path asked for could not be written: why, and where the text went instead. */
  failure?: string;
}

/**
 * Writes `text` to `path` whole or not at all. When that fails the file there before is untouched and
 * the text goes to a fallback file in the temporary directory, or (that failing too) to stdout, unless
 * `onStdoutAlready` says it is printed there anyway.
 */
export async function saveRunOutput(
  path: string,
  text: string,
  onStdoutAlready = false,
): Promise<SavedOutput> {
  try {
    await writeFileAtomic(path, text);
    return { at: path };
  } catch (error) {
    const why = `cannot write ${path}: ${describeWriteError(error)}`;
    const fallback = join(tmpdir(), `sockbench-${process.pid}-${Date.now()}-${basename(path)}`);
    try {
      await writeFileAtomic(fallback, text);
      return { at: fallback, failure: `${why}; wrote it to ${fallback} instead` };
    } catch (fallbackError) {
      const also = `nor ${fallback}: ${describeWriteError(fallbackError)}`;
      if (onStdoutAlready) return { at: "stdout", failure: `${why}, ${also}; it is on stdout` };
      process.stdout.write(text);
      return { at: "stdout", failure: `${why}, ${also}; printed it on stdout instead` };
    }
  }
}
