// DESIGN.md's exit codes, shared by every command.

export const EXIT_CLEAN = 0;
/** The run found errors; its results were still printed. */
export const EXIT_ERRORS_FOUND = 1;
/** Bad usage, or the target could not be reached. */
export const EXIT_USAGE = 2;

/** Thrown by a command to end with a message on stderr and the given exit code. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
