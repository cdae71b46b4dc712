// The server's side of the open-file limit (`ulimit -n`): each connection takes a file descriptor, so a
// limit below --max-connections means connections fail before the cap is met. Read by src/platform/.

import { fdLimitAdvice, fdsNeeded, readFdLimit } from "../platform/fd-limit.js";

/** The soft limit on open files, or undefined where the OS does not say (macOS) or says unlimited. */
export function openFileLimit(): number | undefined {
  const soft = readFdLimit()?.soft;
  return soft !== undefined && Number.isFinite(soft) ? soft : undefined;
}

/** A warning to log at start when the limit cannot hold `maxConnections`, else undefined. */
export function fileLimitWarning(maxConnections: number, limit = openFileLimit()): string | undefined {
  if (limit === undefined || limit >= fdsNeeded(maxConnections)) return undefined;
  return `warning: the open-file limit (ulimit -n) is ${limit}, below --max-connections ${maxConnections} plus what the server holds itself: connections past what it leaves room for are refused with a log line; ${fdLimitAdvice(fdsNeeded(maxConnections), readFdLimit())} or lower --max-connections`;
}
