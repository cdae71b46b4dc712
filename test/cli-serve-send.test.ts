// `sockbench serve` and `sockbench send` as a user runs them: output, exit codes and error messages.

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
