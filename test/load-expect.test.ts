// `load --expect` and `--expect-module` as a new user meets them (the built CLI): a newline-delimited
// JSON server in Python loaded with docs/expect-module.md's module that judges its replies, passing and
// failing; a bad module refused before any connection, with --workers too; --verify as --expect's old
// name; --expect none unjudged.

import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { LoadResult } from "../src/results/load-result.js";
import { findFreePort } from "../src/targets/free-port.js";
import { type RunningServerCommand, startServerCommand } from "../src/targets/server-command.js";
import { runCli } from "./support/cli-process.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

/** One JSON object a line: {"id", "a", "b"} is answered {"id", "sum"}; `buggy` gets every fifth sum wrong. */
const NDJSON_SUM_SERVER = `import json, socket, sys, threading

buggy = len(sys.argv) > 2 and sys.argv[2] == "buggy"

def serve(connection):
    with connection, connection.makefile("rwb") as stream:
        for line in stream:
            request = json.loads(line)
            total = request["a"] + request["b"]
            if buggy and request["id"] % 5 == 3:
                total += 1
            stream.write((json.dumps({"id": request["id"], "sum": total}) + "\\n").encode())
            stream.flush()

listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(64)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=serve, args=(connection,), daemon=True).start()
`;

/** docs/expect-module.md's sum-judge.mjs, as the page shows it: requests of its own, each reply judged by id and sum. */
function documentedSumJudge(): string {
  const doc = readFileSync(new URL("../docs/expect-module.md", import.meta.url), "utf8");
  const block = /```js\n\/\/ sum-judge\.mjs\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error("docs/expect-module.md lost its sum-judge.mjs example");
  return block[1] as string;
}

const folder = studentFolder();
const serverScript = folder.write("ndjson_sum.py", NDJSON_SUM_SERVER);
const judgeModule = folder.write("sum-judge.mjs", documentedSumJudge());
afterAll(() => folder.remove());
const servers: RunningServerCommand[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function ndjsonServer(mode: "right" | "buggy"): Promise<string> {
  const server = await startServerCommand({
    command: `${PYTHON} ${serverScript} {port} ${mode}`,
    host: "127.0.0.1",
    port: await findFreePort("127.0.0.1"),
  });
  servers.push(server);
  return `127.0.0.1:${server.port}`;
}

const NEWLINES = ["--framing", "eof", "--token", "\\n"];

describe("load --expect-module against a newline-delimited JSON server", () => {
  it("passes when every reply holds, with the module's path in the result", async () => {
    const target = await ndjsonServer("right");
    const run = await runCli([
      "load",
      target,
      ...NEWLINES,
      "--expect-module",
      judgeModule,
      "-c",
      "2",
      "-p",
      "4",
      "--amount",
      "200",
      "--json",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.messages).toEqual({ sent: 200, received: 200, verified: 200 });
    expect(result.config.verify).toBe(judgeModule);
  });

  it("fails with exit 1 naming the mismatch the module found, with --workers as without", async () => {
    const target = await ndjsonServer("buggy");
    // One connection per thread, so that each sends requests 0-19 and gets 3, 8, 13 and 18 wrong.
    for (const [workers, connections, amount, verified] of [
      ["1", "1", "20", 16],
      ["2", "2", "40", 32],
    ] as const) {
      const run = await runCli([
        "load",
        target,
        ...NEWLINES,
        "--expect-module",
        judgeModule,
        "-c",
        connections,
        "-w",
        workers,
        "--amount",
        amount,
      ]);
      expect(run.code, `-w ${workers}`).toBe(1);
      // Request 3 of a connection (id 3) asks 3 + 7; the buggy server answers 11.
      expect(run.stdout).toContain('judged wrong: request 3 wants sum 10, got {"id": 3, "sum": 11}');
      expect(run.stdout).toContain(`${verified} verified of ${amount} sent`);
    }
  });
});

describe("a bad expect module is refused before any connection (exit 2)", () => {
  // Port 1 refuses every connection: a message about the module proves it was judged first.
  const unreachable = ["load", "127.0.0.1:1", ...NEWLINES, "-c", "2", "--amount", "2"];

  it("names the missing file, and a module that exports neither reply nor judge, with and without workers", async () => {
    const requestOnly = folder.write("request-only.mjs", 'export const request = () => "{}";\n');
    const cases: [string[], string][] = [
      [["--expect-module", `${folder.path}/missing.mjs`], "missing.mjs: no such file"],
      [["--expect-module", requestOnly], "it exports neither reply nor judge"],
      [["--expect-module", requestOnly, "-w", "2"], "it exports neither reply nor judge"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([...unreachable, ...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
      expect(run.stderr, args.join(" ")).not.toContain("cannot connect");
    }
  });
});

describe("--verify, the old name of --expect", () => {
  it("is taken alone or agreeing, and refused naming both when it disagrees or meets --expect-module", async () => {
    const target = await ndjsonServer("right");
    const agreeing = await runCli([
      "load",
      target,
      ...NEWLINES,
      "--message",
      '{"id": 0, "a": 1, "b": 2}',
      "--verify",
      "none",
      "--expect",
      "none",
      "--amount",
      "10",
      "--json",
    ]);
    expect(agreeing.code).toBe(0);
    expect((JSON.parse(agreeing.stdout) as LoadResult).config.verify).toBe("none");
    const refused: [string[], string][] = [
      [["--expect", "sum", "--verify", "echo"], "--expect sum and --verify echo disagree"],
      [
        ["--verify", "echo", "--expect-module", judgeModule],
        "give --verify (the old name of --expect) or --expect-module",
      ],
      [["--expect", "hello", "--expect-module", judgeModule], "give --expect or --expect-module, not both"],
    ];
    for (const [args, message] of refused) {
      const run = await runCli(["load", target, ...NEWLINES, "--amount", "2", ...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
  });
});

describe("--expect none", () => {
  it("counts replies as received, not verified, and rates and reports them as such", async () => {
    const target = await ndjsonServer("buggy");
    const args = ["load", target, ...NEWLINES, "--message", '{"id": 3, "a": 1, "b": 2}', "--expect", "none"];
    const json = await runCli([...args, "-c", "2", "--amount", "100", "--json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as LoadResult;
    // Every reply is wrong by the sum, and none is judged: received, not verified.
    expect(result.messages).toEqual({ sent: 100, received: 100, verified: 0 });
    expect(result.throughput.messagesPerSec).toBeGreaterThan(0);
    expect(result.latencyUs.max).toBeGreaterThan(0);
    const text = await runCli([...args, "--amount", "20"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("20 received (not judged) of 20 sent");
    expect(text.stdout).not.toContain("verified");
  });
});
