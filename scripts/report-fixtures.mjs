// Makes the result files test/report-html.test.ts renders (test/fixtures/reports/): a tiny bench, two
// loads (the second through a 20 ms proxy, on the same proxy port so that compare sees one scenario) and
// a small check, from real runs on 127.0.0.1. Run it (`npm run build` first) when the result format
// changes: node scripts/report-fixtures.mjs
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { getApp } from "../dist/src/apps/registry.js";
import { createFraming } from "../dist/src/framing/registry.js";
import { startProxy } from "../dist/src/proxy/start-proxy.js";
import { checkResultJson } from "../dist/src/report/check-report.js";
import { startServer } from "../dist/src/servers/start-server.js";
import { BENCH_PROFILES } from "../dist/src/suites/bench-profiles.js";
import { runBench } from "../dist/src/suites/bench-suite.js";
import { runCheck } from "../dist/src/suites/check-suite.js";

const folder = fileURLToPath(new URL("../test/fixtures/reports/", import.meta.url));
const cli = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));

/**
 * Two sizes (naive breaks at 2 KiB: red cells), one round of a second of load each: too short for
 * per-second charts.
 */
const tinyProfile = {
  ...BENCH_PROFILES.quick,
  sizesBytes: [64, 2048],
  connectionCounts: [2],
  warmupMs: 0,
  rounds: 1,
  durationMs: 1000,
  timeoutMs: 500,
};

const server = await startServer("concurrent", {
  framing: createFraming("length"),
  app: getApp("echo"),
  host: "127.0.0.1",
  port: 0,
  idleTimeoutMs: 10_000,
  maxConnections: 100,
  log: () => {},
});

/** A 2 s load through a proxy on `port` (0: any) that delays each chunk by latencyMs; returns its port. */
async function loadThroughProxy(port, latencyMs, name) {
  const proxy = await startProxy({
    listenHost: "127.0.0.1",
    listenPort: port,
    targetHost: "127.0.0.1",
    targetPort: server.port,
    faults: latencyMs > 0 ? { latencyMs } : {},
  });
  try {
    const target = `127.0.0.1:${proxy.port}`;
    const args = ["load", "--target", target, "--framing", "length", "--connections", "2", "--size", "64"];
    await promisify(execFile)(process.execPath, [
      cli,
      ...args,
      "--duration",
      "2s",
      "--out",
      `${folder}${name}`,
    ]);
  } finally {
    await proxy.close();
  }
  return proxy.port;
}

const port = await loadThroughProxy(0, 0, "a.json");
await loadThroughProxy(port, 20, "b.json");
await server.close();
writeFileSync(`${folder}bench.json`, JSON.stringify(await runBench(tinyProfile)));
const check = await runCheck({
  framings: ["length", "naive"],
  sizesBytes: [1, 1025],
  fragmentations: ["none", "slices-1"],
});
writeFileSync(
  `${folder}check.json`,
  JSON.stringify(checkResultJson(check, { startedAt: new Date().toISOString() })),
);
