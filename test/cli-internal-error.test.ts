// An error no command expected is not "bad usage": it keeps its stack and ends with exit 70, while an
// error the user can act on keeps exit 2 and its one-line message.

import { describe, expect, it } from "vitest";
import { EXIT_INTERNAL_ERROR, EXIT_USAGE } from "../src/cli/exit-codes.js";
import { runCli } from "./support/cli-process.js";

describe("how the CLI ends on an error", () => {
  it("prints an internal error with its stack and exits 70", async () => {
    const run = await runCli(["send", "127.0.0.1:9", "x"], { env: { SOCKBENCH_TEST_INTERNAL_ERROR: "1" } });
    expect(run.code).toBe(EXIT_INTERNAL_ERROR);
    expect(run.stderr).toContain("sockbench: internal error (a bug in sockbench");
    expect(run.stderr).toContain("Error: SOCKBENCH_TEST_INTERNAL_ERROR is set");
    // The stack names where it was thrown.
    expect(run.stderr).toMatch(/\n\s+at .*cli\.js:\d+/);
  });

  it("keeps exit 2 and no stack for an error the user can act on", async () => {
    const run = await runCli(["load", "nowhere", "--amount", "1"]);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toMatch(/^sockbench: /);
    expect(run.stderr).not.toContain("internal error");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
