// A free port for a server sockbench starts is drawn below the kernel's ephemeral range, where no
// outgoing connection can take it between the choice and the server's bind.

import { createServer } from "node:net";
import { expect, it } from "vitest";
import { ephemeralPortRange } from "../src/platform/ephemeral-ports.js";
import { findFreePort } from "../src/targets/free-port.js";

it("reads the ephemeral range, and falls back to Linux's default on nonsense", () => {
  expect(ephemeralPortRange("32768\t60999\n")).toEqual({ low: 32768, high: 60999 });
  expect(ephemeralPortRange("1024 65535")).toEqual({ low: 1024, high: 65535 });
  expect(ephemeralPortRange("nonsense")).toEqual({ low: 32768, high: 60999 });
  expect(ephemeralPortRange("70000 80000")).toEqual({ low: 32768, high: 60999 });
});

it("hands out ports below the ephemeral range that a server can bind", async () => {
  const { low } = ephemeralPortRange();
  for (let index = 0; index < 20; index++) {
    const port = await findFreePort("127.0.0.1");
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(low);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  }
});
