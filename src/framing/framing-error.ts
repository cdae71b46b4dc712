// The one error type the framing layer throws: a peer or a caller broke a framing's rules or limits.
// `code` lets callers count failures by kind; the message names the limit that was crossed.

export type FramingErrorCode =
  | "frame-too-large"
  | "token-in-payload"
  | "payload-too-large"
  | "trailing-nul"
  | "invalid-option";

export class FramingError extends Error {
  readonly code: FramingErrorCode;

  constructor(code: FramingErrorCode, message: string) {
    super(message);
    this.name = "FramingError";
    this.code = code;
  }
}
