// CPU accounting in load results, against a real server process: the driver's CPU always, the server's
// (from /proc) when its pid is given, once for a run spread over worker threads; a pid that names no
// process is refused before any load.

import { availableParallelism } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { LoadConfigError } from "../src/clients/load/core/load-config.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { formatLoadReport } from "../src/report/load-report.js";
import { totalErrors } from "../src/results/load-result.js";
import { type ServerProcess, startServerProcess } from "../src/suites/server-process.js";

const servers: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serverProcess(): Promise<ServerProcess> {
  const server = await startServerProcess([
    "--variant",
    "concurrent",
    "--framing",
    "length",
    "--app",
    "echo",
  ]);
  servers.push(server);
  return server;
}

const AMOUNT = 20_000;

describe("CPU per message in load results", () => {
  it("reports the driver's CPU, and the server's when given its pid", async () => {
    const server = await serverProcess();
    const target = `${server.host}:${server.port}`;
    // One message in flight per connection: a read and a write per message on each side, so that the
    // kernel's share is many 10 ms ticks (pipelined, a side's system time could round down to none).
    const base = { target, framing: "length", connections: 4, pipelining: 1, amount: AMOUNT } as const;

    const withoutServer = await runLoad(base);
    expect(totalErrors(withoutServer)).toBe(0);
    expect(withoutServer.cpu?.driver.cores).toBe(1);
    expect(withoutServer.cpu?.driver.cpuUs).toBeGreaterThan(0);
    expect(withoutServer.cpu?.server).toBeUndefined();

    const result = await runLoad({ ...base, serverPid: server.pid });
    expect(totalErrors(result)).toBe(0);
    const { driver, server: serverCpu } = result.cpu ?? {};
    expect(serverCpu?.pid).toBe(server.pid);
    // 20,000 echoed messages cost a Node server well over one 10 ms tick.
    expect(serverCpu?.cpuUs).toBeGreaterThan(0);
    expect(serverCpu?.usPerMessage).toBeCloseTo((serverCpu?.cpuUs ?? 0) / result.messages.verified, 3);
    expect(driver?.usPerMessage).toBeCloseTo((driver?.cpuUs ?? 0) / result.messages.verified, 3);
    // Both sides spend part of their time in the kernel (the socket calls), never more than all of it.
    for (const side of [driver, serverCpu]) {
      expect(side?.systemUs).toBeGreaterThan(0);
      expect(side?.systemUs).toBeLessThanOrEqual(side?.cpuUs ?? 0);
    }
    expect(formatLoadReport(result)).toMatch(
      /CPU per verified message: driver [\d.]+ us\/msg \(\d+% in the kernel\).*; server [\d.]+ us\/msg \(\d+% in the kernel\)/,
    );
  });

  it("measures a run over worker threads once, for the whole process", async () => {
    const server = await serverProcess();
    const result = await runLoad({
      target: `${server.host}:${server.port}`,
      framing: "length",
      connections: 4,
      pipelining: 8,
      amount: AMOUNT,
      workers: 2,
      serverPid: server.pid,
    });
    expect(totalErrors(result)).toBe(0);
    expect(result.cpu?.driver.cores).toBe(Math.min(2, availableParallelism()));
    expect(result.cpu?.driver.cpuUs).toBeGreaterThan(0);
    expect(result.cpu?.server?.pid).toBe(server.pid);
  });

  it("refuses a server pid that names no process, before any load", async () => {
    const server = await serverProcess();
    for (const workers of [1, 2]) {
      await expect(
        runLoad({
          target: `${server.host}:${server.port}`,
          framing: "length",
          connections: 2,
          amount: 10,
          workers,
          serverPid: 4_194_304,
        }),
      ).rejects.toThrow(LoadConfigError);
    }
  });
});
