// The HTTP transport over real sockets: POST bodies through each app, 405, 413 (declared and chunked),
// keep-alive reuse, pipelining, the idle timeout, and the serve command's refusals of what makes no sense.

import { once } from "node:events";
import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import type { AppName } from "../src/apps/app.js";
import { getApp } from "../src/apps/registry.js";
import type { HttpServerOptions, RunningServer } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";
import { runCli, startCli } from "./support/cli-process.js";

const MAX_BODY_BYTES = 1024;
const running: RunningServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function startHttp(app: AppName, overrides: Partial<HttpServerOptions> = {}): Promise<string> {
  const server = await startServer("concurrent", {
    transport: "http",
    app: getApp(app),
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 10_000,
    maxConnections: 64,
    maxBodyBytes: MAX_BODY_BYTES,
    log: () => {},
    ...overrides,
  });
  running.push(server);
  return `http://127.0.0.1:${server.port}`;
}

async function post(url: string, body: Buffer | string) {
  const response = await request(url, { method: "POST", body });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: Buffer.from(await response.body.arrayBuffer()),
  };
}

describe("startServer with transport http", () => {
  it("echoes any bytes, body in and body out", async () => {
    const url = await startHttp("echo");
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
    const response = await post(url, everyByte);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/octet-stream");
    expect(response.body).toEqual(everyByte);
    expect((await post(url, "")).body.length).toBe(0);
  });

  it("answers as the hello and sum apps do", async () => {
    const hello = await startHttp("hello");
    expect((await post(hello, "there")).body.toString()).toBe(
      'I got "there" from you and I am sending it back.',
    );
    const sum = await startHttp("sum");
    expect((await post(sum, "1 2 3 4.5")).body.toString()).toBe("10.5");
    expect((await post(sum, "")).body.toString()).toBe("0");
    expect((await post(sum, "1 two")).body.toString()).toMatch(/^ERROR: "two"/);
  });

  it("refuses other methods with 405 and bodies over the max with 413", async () => {
    const url = await startHttp("echo");
    const get = await request(url, { method: "GET" });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe("POST");
    await get.body.dump();

    expect((await post(url, Buffer.alloc(MAX_BODY_BYTES, "a"))).status).toBe(200);
    const declared = await post(url, Buffer.alloc(MAX_BODY_BYTES + 1, "a"));
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe("close");

    // Chunked: no length up front, so the limit is found while reading.
    const chunked = httpRequest(`${url}/`, { method: "POST", agent: false });
    const responded = once(chunked, "response");
    chunked.write(Buffer.alloc(MAX_BODY_BYTES, "b"));
    chunked.end(Buffer.alloc(10, "b"));
    const [response] = (await responded) as [import("node:http").IncomingMessage];
    expect(response.headers["transfer-encoding"]).toBeUndefined();
    expect(response.statusCode).toBe(413);
    response.resume();
  });

  it("keeps a connection alive across requests", async () => {
    const url = await startHttp("echo");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const reused: boolean[] = [];
      for (const body of ["one", "two", "three"]) {
        const clientRequest = httpRequest(url, { method: "POST", agent });
        clientRequest.end(body);
        const [response] = (await once(clientRequest, "response")) as [import("node:http").IncomingMessage];
        let text = "";
        for await (const chunk of response) text += chunk;
        expect(text).toBe(body);
        reused.push(clientRequest.reusedSocket);
      }
      expect(reused).toEqual([false, true, true]);
    } finally {
      agent.destroy();
    }
  });

  it("answers pipelined requests in order on one connection", async () => {
    const url = new URL(await startHttp("echo"));
    const bodies = ["first", "second", "third"];
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    await once(socket, "connect");
    socket.write(
      bodies
        .map(
          (body) => `POST / HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
        )
        .join(""),
    );
    let received = "";
    socket.setEncoding("utf8");
    await new Promise<void>((resolve) => {
      socket.on("data", (text: string) => {
        received += text;
        if ((received.match(/HTTP\/1\.1 200/g) ?? []).length === bodies.length && received.endsWith("third"))
          resolve();
      });
    });
    socket.destroy();
    const replyBodies = received
      .split(/HTTP\/1\.1 200 OK\r\n/)
      .slice(1)
      .map((reply) => reply.split("\r\n\r\n")[1]);
    expect(replyBodies).toEqual(bodies);
  });

  it("closes connections beyond max connections, with a log line, and keeps serving the others", async () => {
    const logs: string[] = [];
    const url = new URL(await startHttp("echo", { maxConnections: 1, log: (line) => logs.push(line) }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const postWith = async (clientAgent: Agent | false, body: string) => {
      const clientRequest = httpRequest(url, { method: "POST", agent: clientAgent });
      clientRequest.end(body);
      const [response] = (await once(clientRequest, "response")) as [import("node:http").IncomingMessage];
      let text = "";
      for await (const chunk of response) text += chunk;
      return text;
    };
    try {
      expect(await postWith(agent, "kept")).toBe("kept");
      await expect(postWith(false, "refused")).rejects.toThrow();
      expect(await postWith(agent, "still served")).toBe("still served");
      expect(logs.join("\n")).toMatch(/refused: max connections 1 reached/);
    } finally {
      agent.destroy();
    }
  });

  it("closes a connection idle past the idle timeout", async () => {
    const url = new URL(await startHttp("echo", { idleTimeoutMs: 200 }));
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    await once(socket, "connect");
    socket.write(`POST / HTTP/1.1\r\nhost: ${url.host}\r\ncontent-length: 2\r\n\r\nhi`);
    socket.resume();
    const closed = once(socket, "close");
    await expect(closed).resolves.toBeDefined();
  });
});

describe("sockbench serve --transport http", () => {
  it("serves POST bodies with --max-frame as the body limit and stops on SIGTERM", async () => {
    const cli = await startCli([
      "serve",
      "--transport",
      "http",
      "--app",
      "sum",
      "--port",
      "0",
      "--max-frame",
      "16",
    ]);
    const url = `http://${cli.host}:${cli.port}`;
    expect((await post(url, "40 2")).body.toString()).toBe("42");
    expect((await post(url, "1 2 3 4 5 6 7 8 9")).status).toBe(413);
    cli.child.kill("SIGTERM");
    expect((await cli.exited).code).toBe(0);
  });

  it("refuses a variant that cannot serve it, and framing options", async () => {
    const sequential = await runCli([
      "serve",
      "--transport",
      "http",
      "--variant",
      "sequential",
      "--port",
      "0",
    ]);
    expect(sequential.code).toBe(2);
    expect(sequential.stderr).toMatch(/--transport http runs with --variant concurrent or cluster/);

    const framing = await runCli(["serve", "--transport", "http", "--framing", "length", "--port", "0"]);
    expect(framing.code).toBe(2);
    expect(framing.stderr).toMatch(/--framing, --token and --record-size apply to --transport tcp/);

    const workers = await runCli(["serve", "--workers", "2", "--port", "0"]);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/--workers applies to --variant cluster only/);
  });
});
