// The one error the target layer throws: a target option made no sense, or the user's server could not
// be started, never became ready or left its process group. `kind` says which; every kind is exit 2.

import { registerErrorClass, SockbenchError } from "../errors.js";

export type TargetSetupErrorKind =
  | "invalid-option"
  | "spawn-failed"
  | "server-exited"
  | "server-not-ready"
  | "server-escaped"
  | "target-unreachable"
  | "readiness-unknown";

export class TargetSetupError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_TARGET_SETUP";

  constructor(
    readonly kind: TargetSetupErrorKind,
    message: string,
  ) {
    super(message);
  }
}
registerErrorClass(TargetSetupError);
