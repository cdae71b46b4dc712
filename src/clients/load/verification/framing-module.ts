// Loads `--framing-module FILE.mjs` and `--reply-framing-module FILE.mjs`: a JavaScript module that frames
// messages as a built-in framing does (docs/framing-module.md). It is imported and its exports checked
// here, once per thread, and remembered in the framing layer, so that its spec `{ name: "module", path }`
// then builds it synchronously like any framing. Every thread that builds a framing from a config (the
// driver, a load worker, a stress attack thread) calls loadFramingModules first.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { registerErrorClass, SockbenchError } from "../../../errors.js";
import type { Framing, FramingChoice, FramingSpec } from "../../../framing/framing.js";
import {
  type FramingModuleExports,
  framingModuleProblem,
  MODULE_FRAMING_NAME,
  rememberFramingModule,
} from "../../../framing/module-framing.js";

/** A framing module that cannot be used: missing, not importable, or with the wrong exports. */
export class FramingModuleError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_FRAMING_MODULE";
}
registerErrorClass(FramingModuleError);

/** The framing module a choice names with its path: `{ name: "module", path: "./resp.mjs" }`. */
export function framingModuleChoice(path: string): { name: string; path: string } {
  return { name: MODULE_FRAMING_NAME, path };
}

/** The path of the module a framing choice, spec or framing names, or undefined for a built-in one. */
function framingModulePathOf(choice: FramingChoice | Framing | FramingSpec | undefined): string | undefined {
  if (choice === undefined || typeof choice === "string") return undefined;
  const spec = (typeof choice.createDecoder === "function" ? (choice as Framing).spec : choice) as {
    name: string;
    path?: unknown;
  };
  return spec.name === MODULE_FRAMING_NAME && typeof spec.path === "string" ? spec.path : undefined;
}

/**
 * Imports the framing module at `path` (as given; `flag` names the option in messages), checks its
 * exports and remembers them in this thread; resolves to its absolute path. A FramingModuleError says
 * what is wrong: no such file, not importable, or which export is missing or of the wrong type.
 */
async function loadFramingModule(path: string, flag = "--framing-module"): Promise<string> {
  const problem = (text: string) => new FramingModuleError(`${flag} ${path}: ${text}`);
  const absolute = resolve(path);
  if (!/\.(mjs|js)$/.test(absolute)) throw problem("expected a JavaScript module file ending in .mjs or .js");
  if (!existsSync(absolute)) throw problem(`no such file (looked for ${absolute})`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw problem(`cannot import it: ${(error as Error).message}`);
  }
  let wrong: string | undefined;
  try {
    wrong = framingModuleProblem(exports);
  } catch (error) {
    wrong = `its createDecoder() threw: ${(error as Error).message}`;
  }
  if (wrong !== undefined) throw problem(`${wrong}; see docs/framing-module.md`);
  rememberFramingModule(absolute, exports as unknown as FramingModuleExports, path);
  return absolute;
}

/**
 * Loads the framing modules a config names (its `framing` and `replyFraming`, as choices, specs or
 * framings; built-in ones and absent ones are skipped), before anything builds them in this thread.
 */
export async function loadFramingModules(config: {
  framing?: FramingChoice | Framing | FramingSpec | undefined;
  replyFraming?: FramingChoice | Framing | FramingSpec | undefined;
}): Promise<void> {
  const requestPath = framingModulePathOf(config.framing);
  if (requestPath !== undefined) await loadFramingModule(requestPath, "--framing-module");
  const replyPath = framingModulePathOf(config.replyFraming);
  if (replyPath !== undefined) await loadFramingModule(replyPath, "--reply-framing-module");
}
