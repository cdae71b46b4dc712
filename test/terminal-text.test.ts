// A server's output lines reach the terminal escaped: an escape sequence it prints cannot clear the
// screen or fake sockbench's verdict, in check's report and in the message of a server that fails to start.

import { afterAll, describe, expect, it } from "vitest";
import { escapeTerminalText } from "../src/results/terminal-text.js";
import { runCli } from "./support/cli-process.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

/** What a terminal acts on rather than prints. */
const RAW_CONTROLS = ["\x1b", "\r", "\x9b"];

/** Clears the screen, homes the cursor and prints a verdict of its own. */
const FAKE_VERDICT = String.raw`\x1b[2J\x1b[Hcheck passed: every cell held\r\x9b31m`;

describe("escapeTerminalText", () => {
  it("shows control characters, C1 controls and bidirectional overrides as escapes, and keeps the rest", () => {
    expect(escapeTerminalText("\x1b[2J\x1b[Hcheck passed\r")).toBe(String.raw`\x1b[2J\x1b[Hcheck passed\r`);
    expect(escapeTerminalText("\x9b31m\x07\x00\x7f")).toBe(String.raw`\x9b31m\x07\x00\x7f`);
    expect(escapeTerminalText("user \u202eexe.txt")).toBe(String.raw`user \u202eexe.txt`);
    expect(escapeTerminalText("tab\there, é, 漢字, 🙂, a\\b")).toBe("tab\there, é, 漢字, 🙂, a\\b");
  });
});

describe("a server's output lines on the terminal", { timeout: 60_000 }, () => {
  it("check's report quotes a failing cell's server lines escaped", async () => {
    const server = folder.write(
      "fake_verdict.py",
      `import socket, sys\ns = socket.create_server(("127.0.0.1", int(sys.argv[1])))\nconns = []\nwhile True:\n    c, _ = s.accept()\n    conns.append(c)\n    print("${FAKE_VERDICT}", flush=True)\n`,
    );
    const run = await runCli([
      "check",
      "--server",
      `${PYTHON} ${server} {port}`,
      "--sizes",
      "1",
      "--fragmentations",
      "none",
      "--timeout",
      "1s",
      "--no-shrink",
      "--no-probes",
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(String.raw`stdout| \x1b[2J\x1b[Hcheck passed: every cell held\r\x9b31m`);
    for (const control of RAW_CONTROLS) expect(run.stdout).not.toContain(control);
    expect(run.stdout).toMatch(/check FAILED: 1 of 1 cell\b/);
  });

  it("the last lines of a server that fails to start are escaped too", async () => {
    const server = folder.write("fake_start.py", `import sys\nprint("${FAKE_VERDICT}")\nsys.exit(3)\n`);
    const run = await runCli(["check", "--server", `${PYTHON} ${server} {port}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(String.raw`stdout| \x1b[2J\x1b[Hcheck passed: every cell held\r\x9b31m`);
    for (const control of RAW_CONTROLS) expect(run.stderr).not.toContain(control);
  });
});
