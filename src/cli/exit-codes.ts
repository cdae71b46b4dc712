// The exit codes every command shares (docs/exit-codes.md lists them with examples).

import { registerErrorClass, SockbenchError } from "../errors.js";

export const EXIT_CLEAN = 0;
/** The run found errors; its results were still printed. */
export const EXIT_ERRORS_FOUND = 1;
/** Bad usage, or the target could not be reached. */
export const EXIT_USAGE = 2;
/** A gate (--max-p99, --max-errors, --min-throughput) was not met; the results were still printed. */
export const EXIT_GATE_FAILED = 3;
/** A second Ctrl-C (or SIGTERM) quit without a result; the shell's code for death by SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** Thrown by a command to end with a message on stderr and the given exit code. */
export class CommandFailure extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_COMMAND";

  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
registerErrorClass(CommandFailure);
