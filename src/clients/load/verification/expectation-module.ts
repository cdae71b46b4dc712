// Loads `--expect-module FILE.mjs`: a JavaScript module that says how to build request N of a size and
// how to judge a reply, for a protocol sockbench does not know (docs/expect-module.md has the interface
// and a worked example). Its exports are checked once, here, so that a mistake is a usage error.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BUILT_IN_EXPECTATIONS, type Expectation } from "../../../apps/expectation.js";
import { registerErrorClass, SockbenchError } from "../../../errors.js";

type Bytes = string | Uint8Array;

interface ExpectModuleExports {
  request?: (index: number, sizeBytes: number) => Bytes;
  reply?: (request: Buffer, index: number) => Bytes;
  judge?: (reply: Buffer, request: Buffer, index: number) => boolean | string | undefined;
}

/** An expect module that cannot be used: missing, not importable, or with the wrong exports. */
export class ExpectModuleError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_EXPECT_MODULE";
}
registerErrorClass(ExpectModuleError);

function moduleError(path: string, problem: string): ExpectModuleError {
  return new ExpectModuleError(`--expect-module ${path}: ${problem}`);
}

function toBuffer(value: unknown, path: string, what: string): Buffer {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw moduleError(path, `${what} must return a string or a Uint8Array, got ${typeof value}`);
}

/** The absolute path of an expect module, or an ExpectModuleError saying why it cannot be one. */
export function resolveExpectModulePath(path: string): string {
  const absolute = resolve(path);
  if (!/\.(mjs|js)$/.test(absolute)) {
    throw moduleError(path, "expected a JavaScript module file ending in .mjs or .js");
  }
  if (!existsSync(absolute)) throw moduleError(path, `no such file (looked for ${absolute})`);
  return absolute;
}

/** Imports the module and wraps its exports as an Expectation. */
export async function loadExpectationModule(path: string): Promise<Expectation> {
  const absolute = resolveExpectModulePath(path);
  let exports: ExpectModuleExports;
  try {
    exports = (await import(pathToFileURL(absolute).href)) as ExpectModuleExports;
  } catch (error) {
    throw moduleError(path, `cannot import it: ${(error as Error).message}`);
  }
  for (const name of ["request", "reply", "judge"] as const) {
    if (exports[name] !== undefined && typeof exports[name] !== "function") {
      throw moduleError(path, `its export ${name} must be a function, got ${typeof exports[name]}`);
    }
  }
  const { request, reply, judge } = exports;
  if (reply !== undefined && judge !== undefined) {
    throw moduleError(path, "export either reply (the exact reply expected) or judge (a verdict), not both");
  }
  if (reply === undefined && judge === undefined) {
    throw moduleError(
      path,
      "it exports neither reply nor judge, so no reply could be judged: see docs/expect-module.md",
    );
  }
  return {
    name: absolute,
    ...(request
      ? { request: (index, sizeBytes) => toBuffer(request(index, sizeBytes), path, "request()") }
      : {}),
    ...(reply ? { expectedReply: (sent, index) => toBuffer(reply(sent, index), path, "reply()") } : {}),
    ...(judge
      ? {
          judge: (received, sent, index) => {
            // Only true passes: a judge that forgets to return must not pass every reply.
            const verdict = judge(received, sent, index);
            if (verdict === true) return undefined;
            return typeof verdict === "string" ? verdict : `judge() returned ${String(verdict)}`;
          },
        }
      : {}),
  };
}

/** The expectation of a load run: its expect module, or the built-in one `verify` names. */
export function loadExpectation(config: {
  verify: keyof typeof BUILT_IN_EXPECTATIONS;
  expectModule?: string | undefined;
}): Promise<Expectation> {
  return config.expectModule !== undefined
    ? loadExpectationModule(config.expectModule)
    : Promise.resolve(BUILT_IN_EXPECTATIONS[config.verify]);
}
