// `sockbench serve` and `sockbench send` as a user runs them: output, exit codes and error messages.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningCli, runCli, startCli } from "./support/cli-process.js";

const running: RunningCli[] = [];
afterEach(() => {
  for (const cli of running.splice(0)) cli.child.kill();
});

async function serve(args: string[]): Promise<RunningCli> {
  const cli = await startCli(["serve", "--port", "0", ...args]);
  running.push(cli);
  return cli;
}

describe("sockbench serve and send", () => {
  it("prints each reply on its own line, for every framing", async () => {
    for (const framing of ["eof", "length", "fixed"]) {
      const server = await serve(["--framing", framing, "--app", "sum"]);
      const result = await runCli([
        "send",
        "--framing",
        framing,
        "--port",
        String(server.port),
        "1 2",
        "3 4.5",
        "x",
      ]);
      expect(result.stdout).toBe('3\n7.5\nERROR: "x" is not a number\n');
      expect(result.code).toBe(0);
    }
  });

  it("announces the bound address on stdout once ready", async () => {
    const server = await serve(["--host", "127.0.0.1"]);
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
  });

  it("refuses a message containing the eof token before sending anything", async () => {
    const server = await serve(["--framing", "eof"]);
    const result = await runCli(["send", "--port", String(server.port), "fine", "bad<EOF>one"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/payload contains the end token "<EOF>" at byte 3/);
    expect(server.stderr()).toBe("");
  });

  it("with --expect or --expect-module says whether each reply holds, and exits 1 when one does not", async () => {
    const server = await serve(["--framing", "eof", "--app", "sum"]);
    const send = (args: string[]) => runCli(["send", "--port", String(server.port), ...args, "1 2", "3 4"]);
    const holding = await send(["--expect", "sum"]);
    expect(holding.stdout).toBe("3\n7\n");
    expect(holding.stderr).toBe("2 of 2 replies hold --expect sum\n");
    expect(holding.code).toBe(0);
    const wrong = await send(["--expect", "echo"]);
    // The replies are printed all the same; what does not hold is said on stderr.
    expect(wrong.stdout).toBe("3\n7\n");
    expect(wrong.stderr).toContain('sockbench: reply 1 does not hold --expect echo: expected "1 2", got "3"');
    expect(wrong.stderr).toContain("0 of 2 replies hold --expect echo");
    expect(wrong.code).toBe(1);
    const unjudged = await send(["--expect", "none"]);
    expect(unjudged.stderr).toBe("2 replies received, not judged (--expect none)\n");
    expect(unjudged.code).toBe(0);
    const folder = mkdtempSync(join(tmpdir(), "sockbench-send-"));
    try {
      const module = join(folder, "small-sums.mjs");
      writeFileSync(
        module,
        'export const judge = (reply) => Number(reply) < 5 || reply + " is 5 or more";\n',
      );
      const judged = await send(["--expect-module", module]);
      expect(judged.stderr).toContain("reply 2 does not hold --expect-module");
      expect(judged.stderr).toContain(": 7 is 5 or more");
      expect(judged.code).toBe(1);
      const missing = await send(["--expect-module", join(folder, "missing.mjs")]);
      expect(missing.code).toBe(2);
      expect(missing.stdout).toBe("");
      expect(missing.stderr).toContain("missing.mjs: no such file");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("uses a custom token with escapes", async () => {
    const server = await serve(["--framing", "eof", "--token", "\\r\\n"]);
    const result = await runCli(["send", "--token", "\\r\\n", "--port", String(server.port), "PING"]);
    expect(result.stdout).toBe("PING\n");
  });

  it.each([
    [
      ["serve", "--variant", "forking"],
      /argument 'forking' is invalid. Allowed choices are single-shot, sequential, concurrent, cluster/,
    ],
    [["serve", "--port", "70000"], /expected a whole number from 0 to 65535, got "70000"/],
    [["serve", "--max-frame", "lots"], /expected a size in bytes such as 64, 1KiB or 16MiB, got "lots"/],
    [["serve", "--idle-timeout", "-1s"], /expected a duration such as 10 \(seconds\), 500ms/],
    [["serve", "--token", "\\q"], /allowed escapes are/],
    [["send", "--port", "1", "hi"], /cannot connect to 127.0.0.1:1/],
    [["send"], /missing required argument 'message'/],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("prints help and exits 0", async () => {
    const result = await runCli(["serve", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--variant <name>/);
  });
});
