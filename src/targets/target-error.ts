// The one error the target layer throws: a target option made no sense, or the user's server could not
// be started, never became ready or left its process group. `code` says which; every code is exit 2.

export type TargetSetupErrorCode =
  | "invalid-option"
  | "spawn-failed"
  | "server-exited"
  | "server-not-ready"
  | "server-escaped"
  | "target-unreachable"
  | "readiness-unknown";

export class TargetSetupError extends Error {
  readonly code: TargetSetupErrorCode;

  constructor(code: TargetSetupErrorCode, message: string) {
    super(message);
    this.name = "TargetSetupError";
    this.code = code;
  }
}
