// Ctrl-C and SIGTERM as the commands treat them: the first asks the work to stop cleanly (a load or bench
// keeps what it measured, a server lets its replies go out); a second one quits at once, as people expect.
// A command with nothing to keep (check, stress) quits on the first, saying so, with EXIT_INTERRUPTED.

import { EXIT_INTERRUPTED } from "./exit-codes.js";

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs `work` with a signal that aborts on the first SIGINT or SIGTERM; the second exits at once with
 * EXIT_INTERRUPTED. `announce` says on stderr what stopping does.
 */
export async function withStopSignals<T>(
  announce: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\n${name} again: quitting without a result\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write(`\n${name}: ${announce} (again to quit at once)\n`);
    controller.abort();
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

/** Resolves when the signal aborts: for commands that run until told to stop (serve, proxy). */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/**
 * For the rest of the process, the first SIGINT or SIGTERM quits at once with EXIT_INTERRUPTED and a line
 * on stderr; the servers sockbench started are killed on the way out (platform/process-group.ts).
 */
export function quitOnStopSignals(): void {
  const onSignal = (name: NodeJS.Signals) => {
    process.stderr.write(`\n${name}: quitting without a result\n`);
    process.exit(EXIT_INTERRUPTED);
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
}
