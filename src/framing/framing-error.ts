// The one error type the framing layer throws: a peer or a caller broke a framing's rules or limits.
// `kind` lets callers count failures by kind; the message names the limit that was crossed.

import { registerErrorClass, SockbenchError } from "../errors.js";

export type FramingErrorKind =
  | "frame-too-large"
  | "token-in-payload"
  | "payload-too-large"
  | "trailing-nul"
  | "invalid-option"
  | "malformed-frame";

export class FramingError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_FRAMING";

  constructor(
    readonly kind: FramingErrorKind,
    message: string,
  ) {
    super(message);
  }
}
registerErrorClass(FramingError);
