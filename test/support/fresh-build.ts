// vitest globalSetup: worker threads, cluster workers and server processes run the built JavaScript in
// dist/ (src/built-module.ts), so a plain `vitest` after an edit would test a mix of old and new code.
// When any source is newer than its build (or has none), dist/ is rebuilt with tsc before any test runs.

import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..");
const BUILT_FOLDERS = ["src", "bench"];

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function modifiedMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/** Sources whose .js in dist/ is missing or older than they are. */
export function staleSources(): string[] {
  return BUILT_FOLDERS.flatMap((folder) => typeScriptFiles(join(ROOT, folder))).filter((source) => {
    const built = join(ROOT, "dist", relative(ROOT, source)).replace(/\.ts$/, ".js");
    return modifiedMs(built) < modifiedMs(source);
  });
}

export default function buildIfStale(): void {
  const stale = staleSources();
  if (stale.length === 0) return;
  const first = relative(ROOT, stale[0] as string);
  process.stderr.write(
    `dist/ is older than ${first} and ${stale.length - 1} more sources: rebuilding (tsc)\n`,
  );
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" });
  const still = staleSources();
  if (still.length > 0)
    throw new Error(`dist/ is still older than ${relative(ROOT, still[0] as string)} after tsc`);
}
