// A started server's output lines as results keep them: seconds since the server started, not
// wall-clock milliseconds, so that a report reads them against the server's own life.

import type { ServerOutputLine } from "../results/target-check-result.js";
import type { OutputLine } from "../targets/output-ring.js";
import type { RunningServerCommand } from "../targets/server-command.js";

export function serverOutputLines(server: RunningServerCommand, lines: OutputLine[]): ServerOutputLine[] {
  return lines.map((line) => ({
    atS: Math.round(line.atMs - server.startedAtMs) / 1000,
    stream: line.stream,
    text: line.text,
  }));
}
