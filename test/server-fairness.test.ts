// The event loop's fair share per connection: peers streaming many large requests cannot make the
// server take up a quiet client's request only after theirs. Counted in requests the server handled,
// not in milliseconds.

import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../src/apps/app.js";
import { createFraming } from "../src/framing/registry.js";
import { FAIR_SHARE_BYTES, FairShare } from "../src/servers/fair-share.js";
import { openFramedClient } from "./support/framed-client.js";
import { startTestServer, type TestServer, waitFor } from "./support/servers.js";

const framing = createFraming("length");
const REQUEST_BYTES = 256 * 1024;
const HOSTILE_PEERS = 4;
const REQUESTS_PER_PEER = 48;

const servers: TestServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("fair share per connection", () => {
  it("spends FAIR_SHARE_BYTES per turn of the loop, then resumes at the next", async () => {
    const share = new FairShare();
    let resumed = 0;
    expect(share.spend(FAIR_SHARE_BYTES - 1, () => resumed++)).toBe(false);
    expect(share.spend(1, () => resumed++)).toBe(true);
    expect(share.yielding).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resumed).toBe(1);
    expect(share.yielding).toBe(false);
    // A new turn: the count started again.
    expect(share.spend(FAIR_SHARE_BYTES - 1, () => resumed++)).toBe(false);
  });

  it("answers a quiet client after a few of the flooding peers' requests, not after their backlog", async () => {
    let handled = 0;
    // An app that counts what the server handled (named echo: the server takes any App).
    const counting: App = {
      name: "echo",
      respond: () => {
        handled++;
        return Buffer.from("ok");
      },
    };
    const server = await startTestServer("concurrent", { framing, app: counting });
    servers.push(server);
    const request = Buffer.concat(framing.encode(Buffer.alloc(REQUEST_BYTES, "a")));
    for (let peer = 0; peer < HOSTILE_PEERS; peer++) {
      const socket = connect({ host: server.host, port: server.port });
      sockets.push(socket);
      socket.on("error", () => {});
      for (let sent = 0; sent < REQUESTS_PER_PEER; sent++) socket.write(request);
    }
    // The flood has reached the server and fills its sockets' buffers.
    await waitFor(() => handled >= HOSTILE_PEERS);
    const client = await openFramedClient(server.port, framing, server.host);
    try {
      const handledBefore = handled;
      expect((await client.request(Buffer.from("1 2"), 10_000)).toString()).toBe("ok");
      const handledMeanwhile = handled - handledBefore - 1;
      // Each peer reads one request per turn: a turn or two pass. Without the fair share libuv reads up
      // to 2 MiB (8 requests) from each peer per turn, and the client waits behind dozens.
      expect(handledMeanwhile).toBeLessThan(2 * HOSTILE_PEERS);
    } finally {
      client.close();
    }
  }, 30_000);
});
