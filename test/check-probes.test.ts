// check's probes and verdicts on real servers (the corpus's and the lab's, in Python, run by --server):
// a server that exits after one client, --single-client, --reset-after judging survival, a content bug
// named by its payload and first differing byte, and a failure that needs the cells before it.

import { afterAll, describe, expect, it } from "vitest";
import { CORPUS_FOLDER } from "./support/check-corpus.js";
import { checkJson } from "./support/check-json.js";
import { runCli } from "./support/cli-process.js";
import { LAB_HELLO_SERVER, PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

const hello = folder.write("hello_server.py", LAB_HELLO_SERVER);
const corpus = (name: string) => `${PYTHON} -u ${CORPUS_FOLDER}${name} {port}`;

/** An echo server whose state outlives its clients: past 40 messages in all, every reply gains a byte. */
const WEARS_OUT = folder.write(
  "wears_out.py",
  `import socket, sys
TOKEN = b"<EOF>"
served = 0
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
while True:
    conn, _ = s.accept()
    buffer = b""
    try:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            buffer += data
            while TOKEN in buffer:
                message, buffer = buffer.split(TOKEN, 1)
                served += 1
                conn.sendall(message + (b"!" if served > 40 else b"") + TOKEN)
    except OSError:
        pass
    conn.close()
`,
);

const words = (command: string) =>
  (command.match(/'[^']*'|\S+/g) as string[]).slice(2).map((word) => word.replace(/^'(.*)'$/, "$1"));

describe("check's probes", { timeout: 120_000 }, () => {
  it("a server that exits after its first client fails the second-client probe, and passes with --single-client", async () => {
    const args = ["--server", `${PYTHON} ${hello} {port}`, "--framing", "naive", "--expect", "hello"];
    const matrix = ["--sizes", "5", "--fragmentations", "none"];
    const without = await checkJson([...args, ...matrix, "--probes", "second-client", "--timeout", "2s"]);
    const probe = without.result.probes[0];
    expect(probe).toMatchObject({ name: "second-client", verdict: "fail" });
    expect(probe?.detail).toMatch(/the second, after it closed, was not\b.*--single-client/);
    expect(probe?.failure?.serverExit).toMatch(/^exited with code \d+$/);
    expect(without.code).toBe(1);
    const declared = await checkJson([...args, ...matrix, "--single-client"]);
    expect(declared.result.probes.map((each) => each.verdict)).toEqual(Array(4).fill("skipped"));
    expect(declared.result.payload).toBe("utf8");
    expect(declared.code).toBe(0);
  });

  it("a probe's reproducing command fails on its own", async () => {
    const { code, result } = await checkJson(["--server", corpus("buggy_dies_on_reset.py"), "--no-matrix"]);
    expect(code).toBe(1);
    const failing = result.probes.find((probe) => probe.verdict === "fail");
    expect(failing?.name).toBe("reset-mid-request");
    expect(failing?.failure?.serverOutput.map((line) => line.text).join("\n")).toMatch(
      /ConnectionResetError/,
    );
    const again = await checkJson(words(failing?.reproduce as string));
    expect(again.result.cells).toEqual([]);
    expect(again.result.probes.map((probe) => [probe.name, probe.verdict])).toEqual([
      ["reset-mid-request", "fail"],
    ]);
    expect(again.code).toBe(1);
  });

  it("--reset-after judges whether the server survives, not the resets", async () => {
    const args = [
      "--reset-after",
      "3000",
      "--sizes",
      "1025",
      "--fragmentations",
      "none",
      "--no-probes",
      "--timeout",
      "2s",
    ];
    const robust = await checkJson(["--server", corpus("correct_eof_echo.py"), ...args]);
    expect(robust.result.cells.map((cell) => cell.verdict)).toEqual(["pass"]);
    expect(robust.code).toBe(0);
    const fragile = await checkJson(["--server", corpus("buggy_dies_on_reset.py"), ...args, "--no-shrink"]);
    expect(fragile.result.cells[0]?.failure?.detail).toMatch(
      /a fresh client after the proxy reset its connections was not answered/,
    );
    expect(fragile.code).toBe(1);
  });

  it("a content bug's failure names the payload and the first differing byte", async () => {
    const run = await runCli([
      "check",
      "--server",
      corpus("buggy_crlf.py"),
      "--sizes",
      "1025",
      "--fragmentations",
      "none",
      "--no-probes",
      "--no-shrink",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /first difference at byte \d+ of a utf8 payload: expected 0x0d "\\r", received 0x0a "\\n"/,
    );
    const text = await checkJson([
      "--server",
      corpus("buggy_crlf.py"),
      "--sizes",
      "1025",
      "--fragmentations",
      "none",
      "--no-probes",
      "--payload",
      "text",
    ]);
    // The alphabet alone cannot show it: why text is not the default.
    expect(text.code).toBe(0);
  });

  it("a failure that needs what earlier cells left in the server is said so, and its command runs them too", async () => {
    const { code, result } = await checkJson([
      "--server",
      `${PYTHON} -u ${WEARS_OUT} {port}`,
      "--restart",
      "never",
      "--sizes",
      "1,2",
      "--fragmentations",
      "none",
      "--no-probes",
    ]);
    expect(code).toBe(1);
    expect(result.cells.map((cell) => cell.verdict)).toEqual(["pass", "fail"]);
    expect(result.shrunk?.history).toBe("needed");
    expect(result.shrunk?.reproduce).toMatch(/--restart never .*--sizes 1,2 --fragmentations none/);
    const again = await checkJson(words(result.shrunk?.reproduce as string));
    expect(again.code).toBe(1);
    expect(again.result.cells.map((cell) => cell.verdict)).toEqual(["pass", "fail"]);
  });
});
