// How a result records its framings: the request framing's name ("module" for a framing module, whose
// path is kept beside it) and, when replies were cut otherwise, the reply framing's the same way.

import type { FramingSpec } from "../framing/framing.js";

export interface FramingFields {
  /** The framing's name; "module" for a framing module. */
  framing: string;
  /** The framing module's absolute path, when `framing` is "module". */
  framingModule?: string;
  /** How replies were cut, when not as requests were (as `framing` names it). */
  replyFraming?: string;
  /** The reply framing module's absolute path, when `replyFraming` is "module". */
  replyFramingModule?: string;
}

/** The fields that record a request framing and, when it differs, a reply framing. */
export function framingFields(framing: FramingSpec, replyFraming?: FramingSpec): FramingFields {
  return {
    framing: framing.name,
    ...(typeof framing.path === "string" ? { framingModule: framing.path } : {}),
    ...(replyFraming !== undefined ? { replyFraming: replyFraming.name } : {}),
    ...(typeof replyFraming?.path === "string" ? { replyFramingModule: replyFraming.path } : {}),
  };
}

/** The framings in a report's words: `eof framing`, `module framing (/x/netstring.mjs)`, `eof framing, replies cut by ...`. */
export function framingWords(fields: FramingFields): string {
  const named = (name: string, path: string | undefined) => (path !== undefined ? `${name} ${path}` : name);
  const replies =
    fields.replyFraming !== undefined
      ? `, replies cut by ${named(fields.replyFraming, fields.replyFramingModule)}`
      : "";
  return `${named(fields.framing, fields.framingModule)} framing${replies}`;
}
