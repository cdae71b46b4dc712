// The exit codes every command shares (docs/exit-codes.md lists them with examples).

import { registerErrorClass, SockbenchError } from "../errors.js";

export const EXIT_CLEAN = 0;
/** The run found errors; its results were still printed. */
export const EXIT_ERRORS_FOUND = 1;
/** Bad usage, or the target could not be reached. */
export const EXIT_USAGE = 2;
/** A gate (--max-p99, --max-errors, --min-throughput) was not met; the results were still printed. */
export const EXIT_GATE_FAILED = 3;
/**
 * An error no command expected (a bug): sysexits' EX_SOFTWARE, "an internal software error", so that a
 * script can tell a crash from bad usage (2) and a user knows to report it rather than fix an option.
 */
export const EXIT_INTERNAL_ERROR = 70;
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

/**
 * An error of the system a command ran on (a file that cannot be read, an address taken), as Node
 * reports it with an errno code: the user's environment, not a bug.
 */
function isSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return error instanceof Error && typeof code === "string" && /^E[A-Z0-9]+$/.test(code);
}

/**
 * How a command that threw ends: the message and exit code a user sees. A SockbenchError or a system
 * error is one the user can act on (exit 2 unless a CommandFailure says otherwise); anything else is a
 * bug, printed with its stack.
 */
export function failureOf(error: unknown): { text: string; exitCode: number } {
  if (error instanceof CommandFailure) return { text: error.message, exitCode: error.exitCode };
  if (error instanceof SockbenchError || isSystemError(error)) {
    return { text: (error as Error).message, exitCode: EXIT_USAGE };
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    text: `internal error (a bug in sockbench: please report it with this output)\n${stack}`,
    exitCode: EXIT_INTERNAL_ERROR,
  };
}
