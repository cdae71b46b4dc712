// A reader that goes away (a pager quit, `| head`, a log collector gone) closes stdout or stderr; the run
// goes on without them and still writes its files and stops its servers, rather than dying on EPIPE.

/** Makes EPIPE on stdout and stderr harmless for the rest of the process; any other stream error stays fatal. */
export function surviveClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}
