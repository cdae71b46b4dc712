// The command line a result records pastes back into a POSIX shell as the same words.

import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { expect, it } from "vitest";
import { describeRun } from "../src/platform/run-context.js";

/** The words /bin/sh makes of `line`, with its first word replaced by printf. */
function wordsOf(line: string): string[] {
  const printed = spawnSync("/bin/sh", ["-c", line.replace(/^sockbench/, `printf '%s\\0'`)], {
    encoding: "utf8",
  });
  return printed.stdout.split("\0").slice(0, -1);
}

it("quotes odd words for the shell, leaves plain ones bare", () => {
  const { commandLine } = describeRun([
    "node",
    "cli.js",
    "check",
    "--server",
    "python3 server.py {port}",
    "it's",
    "",
  ]);
  expect(commandLine).toBe(`sockbench check --server 'python3 server.py {port}' 'it'\\''s' ''`);
});

it("pastes back as the words typed, whatever they hold", () => {
  const word = fc.string({
    unit: fc.constantFrom("a", " ", "'", '"', "\\", "$", "`", "*", "\n", "{", ";", "é"),
  });
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
      expect(wordsOf(describeRun(["node", "cli.js", ...words]).commandLine)).toEqual(words);
    }),
    { numRuns: 30 },
  );
});
