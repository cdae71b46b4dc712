// serve --transport udp, through the CLI: each datagram gets the app's reply in one datagram (echo, hello,
// sum), a reply too large for one datagram is dropped with a log line and the server answers the next,
// and the variants and options that need connections are refused with the reason.

import { createSocket } from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningCli, runCli, startCli } from "./support/cli-process.js";
import { waitFor } from "./support/servers.js";

const running: RunningCli[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) {
    cli.child.kill("SIGTERM");
    await cli.exited;
  }
});

/** Sends each datagram in turn and collects the one reply each gets. */
async function exchange(port: number, requests: Buffer[]): Promise<string[]> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", () => resolve()));
  const replies: string[] = [];
  try {
    for (const request of requests) {
      socket.send(request);
      const [reply] = (await once(socket, "message")) as [Buffer];
      replies.push(reply.toString("utf8"));
    }
  } finally {
    socket.close();
  }
  return replies;
}

describe("serve --transport udp", () => {
  it("answers each datagram with the app's reply: echo, hello, sum", async () => {
    const replies: Record<string, string[]> = {};
    for (const app of ["echo", "hello", "sum"]) {
      const server = await startCli(["serve", "--transport", "udp", "--app", app, "--port", "0"]);
      running.push(server);
      expect(server.address).toBe(`127.0.0.1:${server.port}`);
      replies[app] = await exchange(server.port, [Buffer.from("1 2 3"), Buffer.from(""), Buffer.from("x")]);
    }
    expect(replies.echo).toEqual(["1 2 3", "", "x"]);
    expect(replies.hello).toEqual([
      'I got "1 2 3" from you and I am sending it back.',
      'I got "" from you and I am sending it back.',
      'I got "x" from you and I am sending it back.',
    ]);
    expect(replies.sum).toEqual(["6", "0", 'ERROR: "x" is not a number']);
  });

  it("drops a reply too large for one datagram with a log line, and answers the next datagram", async () => {
    const server = await startCli(["serve", "--transport", "udp", "--app", "hello", "--port", "0"]);
    running.push(server);
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.connect(server.port, "127.0.0.1", () => resolve()));
    const replies: Buffer[] = [];
    socket.on("message", (reply) => replies.push(reply));
    // hello's reply adds 43 bytes: 65,500 in cannot go back out in one datagram.
    socket.send(Buffer.alloc(65_500, 0x61));
    await waitFor(() => server.stderr().includes("dropped"));
    expect(server.stderr()).toMatch(
      /reply of 65543 bytes dropped: one datagram carries at most 65507 bytes over IPv4/,
    );
    socket.send(Buffer.from("next"));
    await waitFor(() => replies.length > 0);
    socket.close();
    expect(replies.map((reply) => reply.toString())).toEqual([
      'I got "next" from you and I am sending it back.',
    ]);
  });

  it("says so when the port is taken", async () => {
    const server = await startCli(["serve", "--transport", "udp", "--port", "0"]);
    running.push(server);
    const second = await runCli(["serve", "--transport", "udp", "--port", String(server.port)]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `UDP port ${server.port} on 127.0.0.1 is taken: pick another with --port`,
    );
  });

  it("refuses the variants and options that need connections, naming why", async () => {
    for (const variant of ["single-shot", "sequential", "cluster"]) {
      const result = await runCli(["serve", "--transport", "udp", "--variant", variant, "--port", "0"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--transport udp runs with --variant concurrent only, not ${variant}`);
    }
    const framed = await runCli(["serve", "--transport", "udp", "--framing", "length", "--port", "0"]);
    expect(framed.stderr).toContain("over udp each datagram is one message");
    const idle = await runCli(["serve", "--transport", "udp", "--max-connections", "5", "--port", "0"]);
    expect(idle.stderr).toContain("UDP has no connections");
    const tls = await runCli(["serve", "--transport", "udp", "--unix", "/tmp/x.sock"]);
    expect(tls.stderr).toContain("--unix apply to --transport tcp");
  });
});
