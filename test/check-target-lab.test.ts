// `sockbench check` against the lab's other servers (hello, the sequential sum server) and a small C
// length-prefix server, each started by --server through the CLI; beside check-target.test.ts so that
// the two files share the test workers.

import { afterAll, describe, expect, it } from "vitest";
import { CLI_MATRIX, checkJson, verdicts } from "./support/check-json.js";
import {
  C_LENGTH_ECHO_SERVER,
  LAB_HELLO_SERVER,
  PYTHON,
  SEQUENTIAL_SUM_SERVER,
  studentFolder,
} from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

const hello = folder.write("hello_server.py", LAB_HELLO_SERVER);
const sequentialSum = folder.write("sum_server.py", SEQUENTIAL_SUM_SERVER);

describe("check --server with the lab's other servers", CLI_MATRIX, () => {
  it("the hello server (naive, single-shot) gets a fresh start per cell, and fails only where naive must", async () => {
    const { code, result } = await checkJson([
      "--server",
      `${PYTHON} ${hello} {port}`,
      "--framing",
      "naive",
      "--expect",
      "hello",
      "--sizes",
      "5,100",
      "--fragmentations",
      "none,split",
      "--timeout",
      "1s",
      "--no-shrink",
      "--single-client",
    ]);
    expect(verdicts(result)).toMatchObject({ "5 none": "pass", "100 none": "pass" });
    expect(result.probes.every((probe) => probe.verdict === "skipped")).toBe(true);
    expect(
      result.cells.filter((cell) => cell.fragmentation === "split").every((cell) => cell.verdict === "fail"),
    ).toBe(true);
    expect(code).toBe(1);
  });

  it("the hello server with --restart never: the cells after its one client fail, none hang", async () => {
    const { code, result } = await checkJson([
      "--server",
      `${PYTHON} ${hello} {port}`,
      "--restart",
      "never",
      "--framing",
      "naive",
      "--expect",
      "hello",
      "--sizes",
      "5,6",
      "--fragmentations",
      "none",
      "--timeout",
      "1s",
      "--no-shrink",
    ]);
    expect(verdicts(result)["5 none"]).toBe("pass");
    expect(result.cells[1]?.verdict).toBe("fail");
    // Its one client gone (the driver's close may reach it as a reset, which Python raises), it ended.
    expect(result.cells[1]?.failure?.serverExit).toMatch(/^exited with code \d+$/);
    expect(code).toBe(1);
  });

  it("the sequential sum server passes with one connection, and a second connection times out instead of hanging", async () => {
    const server = `${PYTHON} ${sequentialSum} {port}`;
    const args = [
      "--server",
      server,
      "--framing",
      "naive",
      "--expect",
      "sum",
      "--sizes",
      "1,50,500",
      "--fragmentations",
      "none",
    ];
    const one = await checkJson(args);
    expect(Object.values(verdicts(one.result))).toEqual(["pass", "pass", "pass"]);
    expect(one.code).toBe(0);
    const two = await checkJson([
      ...args,
      "--sizes",
      "50",
      "--connections",
      "2",
      "--timeout",
      "1s",
      "--no-shrink",
      "--no-probes",
    ]);
    expect(verdicts(two.result)).toEqual({ "50 none": "fail timeout" });
    expect(two.code).toBe(1);
  });

  it("a C length-prefix server: passes up to its max frame, and a larger size is refused, not a failure", async () => {
    const program = folder.compile("length_echo", C_LENGTH_ECHO_SERVER);
    const { code, result, stderr } = await checkJson([
      "--server",
      `${program} {port}`,
      "--framing",
      "length",
      "--max-frame",
      "64KiB",
      "--sizes",
      "0,1000,70000",
      "--fragmentations",
      "none,slices-1-7,split",
      // The frame limit is the matrix's business; the probes of a correct server are the corpus's.
      "--no-probes",
    ]);
    const cells = verdicts(result);
    for (const size of [0, 1000]) {
      for (const fragmentation of ["none", "slices-1-7", "split"]) {
        expect(cells[`${size} ${fragmentation}`], `${size} ${fragmentation}`).toBe("pass");
      }
    }
    expect(cells["70000 none"]).toBe("refused");
    expect(cells["70000 split"]).toBe("refused");
    expect(code, stderr).toBe(0);
  });
});
