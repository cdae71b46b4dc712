// The library as a user's test suite imports it: `from "sockbench"` (the package's exports map, built
// dist/), driving a real Python server through the fault proxy, as docs/library.md shows.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../src/targets/free-port.js";
import {
  BUGGY_EOF_ECHO_SERVER,
  EOF_ECHO_SERVER,
  PYTHON,
  type StudentFolder,
  studentFolder,
} from "./support/student-servers.js";

// A variable, so that TypeScript types it from the sources while Node resolves the package itself.
const PACKAGE_NAME: string = "sockbench";
const sockbench: typeof import("../src/index.js") = await import(PACKAGE_NAME);

let folder: StudentFolder;
let server: ChildProcess;
let serverPort: number;

beforeAll(async () => {
  folder = studentFolder();
  serverPort = await findFreePort("127.0.0.1");
  server = spawn(PYTHON, ["-u", folder.write("server.py", EOF_ECHO_SERVER), String(serverPort)]);
  // It prints "Listening on" once bound.
  await once(server.stdout as NonNullable<ChildProcess["stdout"]>, "data");
});

afterAll(() => {
  server.kill();
  folder.remove();
});

describe('import { load, serve, startProxy, check } from "sockbench"', () => {
  it("loads the user's server through 1-byte slices: every reply verified", async () => {
    const proxy = await sockbench.startProxy({
      listenHost: "127.0.0.1",
      listenPort: 0,
      targetHost: "127.0.0.1",
      targetPort: serverPort,
      faults: { sliceAvgBytes: 1 },
    });
    try {
      const result = await sockbench.load({
        target: `${proxy.host}:${proxy.port}`,
        framing: "eof",
        connections: 1,
        amount: 40,
        sizesBytes: [0, 1, 1023, 1025],
      });
      expect(result.messages.verified).toBe(40);
      expect(Object.values(result.errors).reduce((sum, count) => sum + count, 0)).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it("checks a server command, and finds the classic bug in the buggy one", async () => {
    const good = await sockbench.check({
      server: `"${PYTHON}" -u "${folder.write("good.py", EOF_ECHO_SERVER)}" {port}`,
      sizesBytes: [0, 100],
      fragmentations: ["none", "slices-1"],
    });
    expect(good.passed).toBe(true);
    const buggy = await sockbench.check({
      server: `"${PYTHON}" -u "${folder.write("buggy.py", BUGGY_EOF_ECHO_SERVER)}" {port}`,
      sizesBytes: [100],
      fragmentations: ["slices-1"],
      timeoutMs: 1000,
      shrink: false,
    });
    expect(buggy.passed).toBe(false);
  }, 120_000);

  it("serves a reference server on a free port, and refuses options that do not go together", async () => {
    const reference = await sockbench.serve({ framing: "length", app: "sum" });
    try {
      const result = await sockbench.load({
        target: `${reference.host}:${reference.port}`,
        framing: "length",
        verify: "sum",
        amount: 20,
      });
      expect(result.messages.verified).toBe(20);
    } finally {
      await reference.close();
    }
    expect(() => sockbench.serve({ transport: "http", framing: "eof" })).toThrow(sockbench.ServeOptionsError);
    // The library names its own options; `sockbench serve` says --workers and --variant.
    expect(() => sockbench.serve({ workers: 2 })).toThrow(/^workers applies to variant cluster only$/);
    expect(() => sockbench.serve({ variant: "sequential", transport: "http" })).toThrow(
      /--transport http runs with --variant concurrent or cluster/,
    );
    await expect(sockbench.check({ sizesBytes: [1] })).rejects.toThrow(/check needs a server/);
  }, 60_000);

  it('takes a string token: load({ framing: { name: "eof", token: "\\n" } }) against a newline-framed server', async () => {
    const lines = await sockbench.serve({ framing: { name: "eof", token: "\n" } });
    try {
      const result = await sockbench.load({
        target: `${lines.host}:${lines.port}`,
        framing: { name: "eof", token: "\n" },
        amount: 30,
      });
      expect(result.messages.verified).toBe(30);
      const notBytes = sockbench.load({
        target: `${lines.host}:${lines.port}`,
        framing: { name: "eof", token: 10 as unknown as string },
        amount: 1,
      });
      await expect(notBytes).rejects.toThrow(sockbench.FramingError);
      await expect(notBytes).rejects.toMatchObject({ code: "SOCKBENCH_ERR_FRAMING", kind: "invalid-option" });
      await expect(notBytes).rejects.toThrow(
        'token must be a string or bytes (a Buffer), such as "\\n" or "<EOF>", got number',
      );
    } finally {
      await lines.close();
    }
  });

  it("documents every error class it exports, with its name and code", async () => {
    const documented = readFileSync(new URL("../docs/library.md", import.meta.url), "utf8");
    const errorClasses = Object.entries(sockbench).filter(
      ([name, value]) => name.endsWith("Error") && typeof value === "function",
    );
    expect(errorClasses.map(([name]) => name).sort()).toEqual([
      "ExpectModuleError",
      "FaultOptionsError",
      "FdLimitError",
      "FramingError",
      "FramingModuleError",
      "LoadConfigError",
      "ServeOptionsError",
      "SockbenchError",
      "TargetError",
      "TargetSetupError",
    ]);
    const errorRow = (name: string) =>
      documented.split("\n").find((line) => line.startsWith(`| \`${name}\``)) ?? "";
    for (const [name] of errorClasses) expect(errorRow(name), name).not.toBe("");
    // The errors load throws for a bad config, a bad target and a bad proxy carry the codes documented.
    const thrown = [
      await sockbench
        .load({ target: "127.0.0.1:9", framing: "eof", amount: 1, durationMs: 1 })
        .catch((error) => error),
      await sockbench.load({ target: "nowhere", framing: "eof", amount: 1 }).catch((error) => error),
      await sockbench
        .startProxy({
          listenHost: "127.0.0.1",
          listenPort: 0,
          targetHost: "127.0.0.1",
          targetPort: 9,
          faults: { sliceAvgBytes: -1 },
        })
        .catch((error) => error),
    ] as { name: string; code: string }[];
    for (const error of thrown) expect(errorRow(error.name), error.name).toContain(`\`${error.code}\``);
    expect(thrown.map((error) => error.name)).toEqual([
      "LoadConfigError",
      "TargetError",
      "FaultOptionsError",
    ]);
  });
});
