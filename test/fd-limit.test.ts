// Running out of file descriptors is a clear error on both sides, naming `ulimit -n` and the number
// needed, never a crash or a stall: the limit is lowered for a child process alone with prlimit.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fdLimitAdvice, readFdLimit } from "../src/platform/fd-limit.js";
import { runCli, startCli } from "./support/cli-process.js";

const LOW_LIMIT = ["prlimit", "--nofile=256:256"];

describe("the file-descriptor limit", () => {
  it("is read from /proc/self/limits, soft and hard", () => {
    const text = [
      "Limit                     Soft Limit           Hard Limit           Units",
      "Max open files            256                  unlimited            files",
    ].join("\n");
    expect(readFdLimit(text)).toEqual({ soft: 256, hard: Number.POSITIVE_INFINITY });
    expect(readFdLimit("nothing here")).toBeUndefined();
    expect(readFdLimit()?.soft).toBeGreaterThan(0);
    expect(fdLimitAdvice(10_064, { soft: 256, hard: 4096 })).toBe(
      "raise the file-descriptor limit (now 256) with `ulimit -n 10064` before starting sockbench; the hard limit is 4096, so raise it first (as root, or in /etc/security/limits.conf)",
    );
  });

  it("too low for the connections asked: load stops before opening any, naming ulimit -n and the number", async () => {
    const server = await startCli(["serve", "--variant", "concurrent", "--framing", "length", "--port", "0"]);
    try {
      const run = await runCli(
        [
          "load",
          "--target",
          server.address,
          "--framing",
          "length",
          "--connections",
          "500",
          "--amount",
          "500",
        ],
        { prefix: LOW_LIMIT },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /500 connections need more file descriptors than this process may open: raise the file-descriptor limit \(now 256\) with `ulimit -n 564`/,
      );
      expect(run.stdout).toBe("");
    } finally {
      server.child.kill();
      await server.exited;
    }
  });

  it("hit while connecting (two loads in one process): EMFILE becomes the same clear error, the process ends", async () => {
    const server = await startCli(["serve", "--variant", "concurrent", "--framing", "length", "--port", "0"]);
    const driver = fileURLToPath(new URL("../dist/src/clients/load/load-driver.js", import.meta.url));
    // Each load fits the limit alone (the up-front check passes); together they do not.
    const script = `
      const { runLoad } = await import(${JSON.stringify(driver)});
      const config = { target: ${JSON.stringify(server.address)}, framing: "length", connections: 200, amount: 400, timeoutMs: 3000 };
      const settled = await Promise.allSettled([runLoad(config), runLoad(config)]);
      for (const each of settled) console.log(each.status === "fulfilled" ? "done" : each.reason.name + ": " + each.reason.message);
    `;
    try {
      const child = spawn(
        "prlimit",
        ["--nofile=300:300", process.execPath, "--input-type=module", "-e", script],
        {
          stdio: "pipe",
        },
      );
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
      child.stderr.setEncoding("utf8").on("data", (text: string) => (stdout += text));
      const [code] = await once(child, "close");
      expect(stdout).toMatch(
        /FdLimitError: cannot connect to 127\.0\.0\.1:\d+: out of file descriptors \(EMFILE\) while holding 200 connections: raise the file-descriptor limit \(now 300\) with `ulimit -n 264`/,
      );
      expect(code).toBe(0);
    } finally {
      server.child.kill();
      await server.exited;
    }
  });

  it("reached by the server: it refuses the connections beyond with a line naming ulimit -n, and serves on", async () => {
    const server = await startCli(
      ["serve", "--variant", "concurrent", "--framing", "length", "--port", "0", "--max-connections", "1000"],
      10_000,
      { prefix: LOW_LIMIT },
    );
    try {
      // More connections than the server's limit allows; the driver has the machine's limit.
      const load = await runCli([
        "load",
        "--target",
        server.address,
        "--framing",
        "length",
        "--connections",
        "300",
        "--duration",
        "1s",
        "--timeout",
        "1s",
      ]);
      expect(load.code).not.toBe(null);
      expect(server.stderr()).toMatch(
        /refused: out of file descriptors with \d+ connections open \(ulimit -n is 256\): for --max-connections 1000, raise the file-descriptor limit \(now 256\) with `ulimit -n 1064`/,
      );
      // Still up, and serving a new client once the load has gone.
      const sent = await runCli(["send", "--framing", "length", "--port", String(server.port), "still here"]);
      expect(sent.stdout).toBe("still here\n");
      expect(server.child.exitCode).toBe(null);
    } finally {
      server.child.kill();
      await server.exited;
    }
  });
});
