// The lab's own Python programs against sockbench: its client against our single-shot naive hello
// server, and `sockbench send` against its server. Both programs are the seed's, unchanged but the port.

import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli, startCli } from "./support/cli-process.js";

const execFileAsync = promisify(execFile);
const LAB_REPLY = 'I got "Hello world" from you and I am sending it back.';

function labProgram(name: string, port: number): string {
  const source = readFileSync(new URL(`./fixtures/lab/${name}`, import.meta.url), "utf8");
  expect(source).toContain("PORT = 65432");
  return source.replace("PORT = 65432", `PORT = ${port}`);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("the lab's Python programs", () => {
  it("the lab's client gets the lab's reply from sockbench serve --variant single-shot --framing naive --app hello", async () => {
    const server = await startCli([
      "serve",
      "--variant",
      "single-shot",
      "--framing",
      "naive",
      "--app",
      "hello",
      "--port",
      "0",
    ]);
    const { stdout } = await execFileAsync("python3", ["-c", labProgram("hello_client.py", server.port)], {
      timeout: 10_000,
    });
    expect(stdout).toBe(`Server says: ${LAB_REPLY}\n`);
    // single-shot: the server exits by itself, cleanly, once its one client has gone.
    expect((await server.exited).code).toBe(0);
  });

  it("sockbench send --framing naive prints the lab's reply from the lab's own server", async () => {
    const port = await freePort();
    const labServer = spawn("python3", ["-c", labProgram("hello_server.py", port)], { stdio: "pipe" });
    const serverExited = new Promise<number | null>((resolve) => labServer.once("close", resolve));
    try {
      // The lab's server accepts exactly one client, so probing it would use it up: retry send itself.
      let result = await runCli(["send", "--framing", "naive", "--port", String(port), "Hello world"]);
      for (
        let attempt = 0;
        result.code === 2 && /ECONNREFUSED/.test(result.stderr) && attempt < 100;
        attempt++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        result = await runCli(["send", "--framing", "naive", "--port", String(port), "Hello world"]);
      }
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(`${LAB_REPLY}\n`);
      expect(result.code).toBe(0);
      expect(await serverExited).toBe(0);
    } finally {
      labServer.kill();
    }
  });
});
