// A framing written by the user in plain JavaScript (`--framing-module FILE.mjs`, docs/framing-module.md),
// wrapped as a Framing. Pure: the import happens above (clients/load/verification/framing-module.ts),
// which checks the exports and remembers them here, in its thread, so that framingFromSpec can build the
// framing from its spec `{ name: "module", path }` as it builds a built-in one.

import { FrameDecoder } from "./frame-decoder.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";

/** The spec name every framing module shares; its `path` option says which module. */
export const MODULE_FRAMING_NAME = "module";

/** What a user's decoder offers: push a received chunk, get the messages it completed (or a throw). */
export interface ModuleDecoder {
  push(chunk: Uint8Array): Uint8Array[];
}

/** A framing module's exports, as the loader found and checked them. */
export interface FramingModuleExports {
  encode(payload: Uint8Array): Uint8Array | Uint8Array[];
  createDecoder(): ModuleDecoder;
  name?: string;
  payloadAvoidsBytes?: readonly number[];
  selfDelimiting?: boolean;
}

/**
 * What the exports lack or get wrong, in words (`it does not export createDecoder`), or undefined when
 * they make a framing: encode and createDecoder functions, and the optional ones of the right types.
 */
export function framingModuleProblem(exports: Record<string, unknown>): string | undefined {
  for (const name of ["encode", "createDecoder"]) {
    if (exports[name] === undefined) return `it does not export ${name} (a function)`;
    if (typeof exports[name] !== "function") {
      return `its export ${name} must be a function, got ${typeof exports[name]}`;
    }
  }
  const { name, payloadAvoidsBytes, selfDelimiting } = exports;
  if (name !== undefined && typeof name !== "string") {
    return `its export name must be a string, got ${typeof name}`;
  }
  if (
    payloadAvoidsBytes !== undefined &&
    !(
      Array.isArray(payloadAvoidsBytes) &&
      payloadAvoidsBytes.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)
    )
  ) {
    return "its export payloadAvoidsBytes must be an array of byte values (0-255)";
  }
  if (selfDelimiting !== undefined && typeof selfDelimiting !== "boolean") {
    return `its export selfDelimiting must be true or false, got ${typeof selfDelimiting}`;
  }
  const decoder = (exports.createDecoder as () => unknown)();
  if (typeof (decoder as Partial<ModuleDecoder> | undefined)?.push !== "function") {
    return "its createDecoder() must return an object with a push(chunk) method";
  }
  return undefined;
}

/** The modules imported in this thread, by the path they were asked for and by their absolute path. */
const loadedModules = new Map<string, { path: string; exports: FramingModuleExports }>();

/**
 * Makes a checked module buildable in this thread: `absolutePath` is what its spec carries (so that another
 * thread imports the same file), `askedAs` the path a caller may still name it by.
 */
export function rememberFramingModule(
  absolutePath: string,
  exports: FramingModuleExports,
  askedAs: string = absolutePath,
): void {
  const entry = { path: absolutePath, exports };
  loadedModules.set(absolutePath, entry);
  loadedModules.set(askedAs, entry);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Bytes received and kept while no frame completes, for the evidence of a reply that never finished. */
const MAX_KEPT_PARTIAL_BYTES = 64 * 1024;

/**
 * The user's decoder behind the FrameDecoder interface. It cannot say how many bytes it holds, so "partial
 * frame" means the bytes pushed since the last push that completed a frame: exact for a frame that spans
 * reads, and blind to a remainder left in a read that completed one.
 */
class WrappedModuleDecoder extends FrameDecoder {
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed: FramingError | undefined;

  constructor(
    private readonly inner: ModuleDecoder,
    private readonly label: string,
  ) {
    super();
  }

  override get bufferedBytes(): number {
    return this.pendingBytes;
  }

  override get partialFrameBytes(): number {
    return this.pendingBytes;
  }

  override partialFrame(maxBytes: number): Buffer {
    return Buffer.concat(this.pending).subarray(0, maxBytes);
  }

  override push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    let frames: unknown;
    try {
      frames = this.inner.push(chunk);
    } catch (error) {
      this.failed = new FramingError(
        "malformed-frame",
        `${this.label} refused the stream: ${(error as Error).message}`,
      );
      throw this.failed;
    }
    if (!Array.isArray(frames) || !frames.every((frame) => frame instanceof Uint8Array)) {
      this.failed = new FramingError(
        "invalid-option",
        `${this.label}: its decoder's push() must return an array of Uint8Array, got ${describe(frames)}`,
      );
      throw this.failed;
    }
    if (frames.length > 0) {
      this.pending.length = 0;
      this.pendingBytes = 0;
    } else {
      // A copy: the caller's read buffer may be reused.
      const room = MAX_KEPT_PARTIAL_BYTES - this.pendingBytes;
      if (room > 0) this.pending.push(Buffer.from(chunk.subarray(0, room)));
      this.pendingBytes += chunk.length;
    }
    return frames.map(asBuffer);
  }

  /** Never called: push hands every chunk to the user's decoder instead of queueing it. */
  protected decodeNext(): undefined {
    return undefined;
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "an array holding something else" : typeof value;
}

export class ModuleFraming implements Framing {
  readonly name = MODULE_FRAMING_NAME;
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  readonly payloadAvoidsBytes: readonly number[];
  readonly selfDelimiting: boolean;
  /** The module says nothing of a limit: payloads are its business (its encode may throw). */
  readonly largestPayloadBytes = Number.POSITIVE_INFINITY;
  readonly largestPayloadWords: string;
  /** `the framing module resp (/path/resp.mjs)`, as messages name it. */
  readonly label: string;

  constructor(
    readonly path: string,
    private readonly exports: FramingModuleExports,
  ) {
    this.spec = { name: MODULE_FRAMING_NAME, path };
    this.payloadAvoidsBytes = exports.payloadAvoidsBytes ?? [];
    this.selfDelimiting = exports.selfDelimiting ?? true;
    this.label = `the framing module ${exports.name !== undefined ? `${exports.name} (${path})` : path}`;
    this.largestPayloadWords = `no limit (${this.label})`;
  }

  createDecoder(): FrameDecoder {
    return new WrappedModuleDecoder(this.exports.createDecoder(), this.label);
  }

  encode(payload: Buffer): Buffer[] {
    let frame: unknown;
    try {
      frame = this.exports.encode(payload);
    } catch (error) {
      throw new FramingError(
        "payload-too-large",
        `${this.label} cannot carry the payload: ${(error as Error).message}`,
      );
    }
    const parts = Array.isArray(frame) ? frame : [frame];
    if (!parts.every((part) => part instanceof Uint8Array)) {
      throw new FramingError(
        "invalid-option",
        `${this.label}: encode() must return a Uint8Array or an array of them, got ${describe(frame)}`,
      );
    }
    return parts.map(asBuffer);
  }

  /**
   * The module says no frame size: a payload of that many bytes is encoded to measure it (exact for a
   * framing whose frame size follows from the payload's length, as length prefixes and RESP bulk strings).
   */
  frameBytes(payloadBytes: number): number {
    const filler = [0x61, 0x62].find((byte) => !this.payloadAvoidsBytes.includes(byte)) ?? 0x63;
    let total = 0;
    for (const part of this.encode(Buffer.alloc(payloadBytes, filler))) total += part.length;
    return total;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    let end = offset;
    for (const part of this.encode(payload)) end += part.copy(target, end);
    return end;
  }

  /** The module names no limit, so no bytes are known to claim more than it takes. */
  overLimitSample(): undefined {
    return undefined;
  }
}

export const MODULE_FRAMING: FramingDefinition = {
  name: MODULE_FRAMING_NAME,
  summary: "a framing module's encode and createDecoder (--framing-module FILE.mjs)",
  options: [],
  create: (options) => {
    const path = options.path;
    const loaded = typeof path === "string" ? loadedModules.get(path) : undefined;
    if (loaded === undefined) {
      throw new FramingError(
        "invalid-option",
        typeof path === "string"
          ? `the framing module ${path} is not loaded in this thread: import it first (loadFramingModules)`
          : 'a framing module needs its path: { name: "module", path: "./framing.mjs" }',
      );
    }
    return new ModuleFraming(loaded.path, loaded.exports);
  },
  cliWords: (spec) => [String(spec.path)],
};
