// IPv6 on every transport and command, through the CLI as a user types it: `serve --host ::1` over tcp,
// http and udp prints `[::1]:PORT`, and load, send and the proxy reach it there.

import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningCli, runCli, startCli } from "./support/cli-process.js";

/** Whether this kernel has IPv6 loopback: the one reason these tests may be skipped. */
const hasIpv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer();
  probe.once("error", () => resolve(false));
  probe.listen(0, "::1", () => probe.close(() => resolve(true)));
});

const running: RunningCli[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) {
    cli.child.kill("SIGTERM");
    await cli.exited;
  }
});

async function start(args: string[]): Promise<RunningCli> {
  const cli = await startCli(args);
  running.push(cli);
  return cli;
}

function verifiedOf(stdout: string): number {
  return (JSON.parse(stdout) as { messages: { verified: number } }).messages.verified;
}

describe.skipIf(!hasIpv6Loopback)(
  "IPv6 ([::1]) on every transport and command (skipped only without IPv6 loopback)",
  () => {
    it("tcp: serve --host [::1], then load, send and the proxy at [::1]:PORT", async () => {
      const server = await start(["serve", "--host", "[::1]", "--port", "0", "--framing", "length"]);
      expect(server.address).toMatch(/^\[::1\]:\d+$/);
      const load = await runCli([
        "load",
        "--target",
        server.address,
        "--framing",
        "length",
        "--amount",
        "100",
        "--json",
      ]);
      expect(load.code, load.stderr).toBe(0);
      expect(verifiedOf(load.stdout)).toBe(100);

      const send = await runCli([
        "send",
        "--host",
        "::1",
        "--port",
        String(server.port),
        "--framing",
        "length",
        "hi",
      ]);
      expect(send.stdout).toBe("hi\n");

      const proxy = await start([
        "proxy",
        "--listen",
        "[::1]:0",
        "--target",
        server.address,
        "--slice-avg",
        "3",
      ]);
      expect(proxy.address).toMatch(/^\[::1\]:\d+$/);
      const proxied = await runCli([
        "load",
        "--target",
        proxy.address,
        "--framing",
        "length",
        "--amount",
        "50",
        "--json",
      ]);
      expect(proxied.code, proxied.stderr).toBe(0);
      expect(verifiedOf(proxied.stdout)).toBe(50);
    });

    it.each(["http", "udp"])(
      "%s: serve --transport %s --host ::1, load --transport %s [::1]:PORT",
      async (transport) => {
        const server = await start(["serve", "--transport", transport, "--host", "::1", "--port", "0"]);
        expect(server.address).toMatch(/^\[::1\]:\d+$/);
        const load = await runCli([
          "load",
          "--transport",
          transport,
          "--target",
          server.address,
          "--amount",
          "100",
          "--json",
        ]);
        expect(load.code, load.stderr).toBe(0);
        expect(verifiedOf(load.stdout)).toBe(100);
      },
    );
  },
);
