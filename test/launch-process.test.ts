// The child-process launcher on real processes: a group is listed and stopped whole, a program that
// ignores SIGTERM is killed once its grace is over, and a program that does not exist is refused.

import { once } from "node:events";
import { expect, it } from "vitest";
import { describeExit, launchProcess } from "../src/platform/launch-process.js";
import { isProcessRunning } from "../src/platform/process-running.js";

it("refuses a program that does not exist with the system's error", async () => {
  await expect(launchProcess({ file: "/nonexistent/sockbench-server", args: [] })).rejects.toMatchObject({
    code: "ENOENT",
  });
});

it("lists a shell and what it started as one group, and stops them together", async () => {
  const launched = await launchProcess({ file: "/bin/sh", args: ["-c", "sleep 30 & echo $!; wait"] });
  const [line] = (await once(launched.child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  const sleeper = Number(line.toString().trim());
  expect(launched.pids()).toEqual(expect.arrayContaining([launched.pid, sleeper]));
  await launched.stop();
  expect(launched.exitStatus()).toEqual({ code: null, signal: "SIGTERM" });
  expect(isProcessRunning(sleeper)).toBe(false);
  expect(launched.pids()).toEqual([]);
});

it("kills a program that ignores SIGTERM once its grace is over", async () => {
  const launched = await launchProcess({
    file: process.execPath,
    args: ["-e", `process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000);`],
    stopGraceMs: 200,
  });
  await once(launched.child.stdout as NodeJS.ReadableStream, "data");
  await launched.stop();
  const status = await launched.exited;
  expect(describeExit(status)).toBe("was killed by SIGKILL");
});
