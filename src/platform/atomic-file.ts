// Writing a file so that a failure leaves the old one whole: the text goes to a temporary file beside
// the target and is renamed over it once complete, and a path is tried before a run that will write it.

import { randomBytes } from "node:crypto";
import { realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A temporary name beside `path`, in the same directory (rename does not cross file systems). */
function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Where the bytes must land: a symbolic link is followed to the file it names (that file is replaced,
 * the link kept); `inPlace` when that is no regular file (/dev/stdout, a FIFO, a device), which cannot
 * be renamed over and is written straight into.
 */
async function destinationOf(path: string): Promise<{ path: string; inPlace: boolean }> {
  let target: string;
  try {
    target = await realpath(path);
  } catch (error) {
    // ENOENT: a new file (or a dangling link, replaced by the file) is made where it was named.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { path, inPlace: false };
    throw error;
  }
  const info = await stat(target);
  if (info.isDirectory()) {
    throw Object.assign(new Error(`${path} is a directory`), { code: "EISDIR" });
  }
  return { path: target, inPlace: !info.isFile() };
}

/** Writes `data` to `path` whole or not at all: on any failure the file there before is untouched. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const destination = await destinationOf(path);
  if (destination.inPlace) {
    await writeFile(destination.path, data);
    return;
  }
  const temporary = temporaryBeside(destination.path);
  try {
    await writeFile(temporary, data, { flag: "wx" });
    await rename(temporary, destination.path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Throws (with the system's code: ENOENT, ENOTDIR, EACCES, EROFS, EISDIR) unless a file can be made
 * beside `path` and `path` itself is no directory: what writeFileAtomic needs, tried before the work.
 */
export async function checkWritable(path: string): Promise<void> {
  const destination = await destinationOf(path);
  if (destination.inPlace) return;
  const probe = temporaryBeside(destination.path);
  await writeFile(probe, "", { flag: "wx" });
  await unlink(probe);
}
