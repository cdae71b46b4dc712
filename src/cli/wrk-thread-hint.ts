// wrk's `-t 4` is four threads, autocannon's (and sockbench's) a 4 s timeout: a note when the value given
// to --timeout reads like a thread count, so that a wrk user learns the meaning before the run does.

import type { Command } from "commander";

/** Above this a bare number is taken for seconds without a doubt: no one runs wrk with more threads. */
const MAX_THREAD_COUNT = 64;

/** The note for a --timeout written as `text`, or undefined when it cannot be a wrk thread count. */
export function wrkThreadHint(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > MAX_THREAD_COUNT) return undefined;
  return `note: -t ${trimmed} is a timeout of ${trimmed}s per request, as autocannon's -t; wrk's -t (threads) is -w ${trimmed} here (write -t ${trimmed}s to silence this)`;
}

/** Prints the note on stderr as the command line is read, once per --timeout given. */
export function warnOnWrkThreadCount(command: Command, stderr: NodeJS.WritableStream): void {
  command.on("option:timeout", (text: string) => {
    const hint = wrkThreadHint(text);
    if (hint !== undefined) stderr.write(`${hint}\n`);
  });
}
