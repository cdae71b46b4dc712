// Where the compiled JavaScript of a module is, for what must run as a separate process or thread
// (cluster workers, load workers, server processes). Run from the TypeScript sources (as vitest does),
// the caller is a .ts file and the child must still get the build's .js from dist/.

import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);
const runningFromSources = here.endsWith(".ts");
/** The folder holding src/ (sources) or dist/src/ (build). */
const sourceRoot = resolve(dirname(here), "..");

/** The built path of `relativePath` (a .js name) as seen from the module at `callerUrl`. */
export function builtModulePath(callerUrl: string, relativePath: string): string {
  const target = resolve(dirname(fileURLToPath(callerUrl)), relativePath);
  const path = runningFromSources ? join(sourceRoot, "dist", relative(sourceRoot, target)) : target;
  if (!existsSync(path)) throw new Error(`${path} is missing: build first (npm run build)`);
  return path;
}
