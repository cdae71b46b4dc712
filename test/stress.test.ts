// `sockbench stress` end to end: every scenario against the concurrent server keeps the legitimate
// client served (exit 0); a naive sequential Python server, written here, is locked out by one idle
// client (exit 1); a polling one is degraded by a few (exit 1); redis in protected mode is not reached
// (exit 0); bad usage exits 2.

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { StressResult } from "../src/results/stress-result.js";
import { STRESS_SCENARIO_NAMES } from "../src/suites/stress/stress-suite.js";
import { runCli, startCli } from "./support/cli-process.js";
import { CRASHING_LENGTH_SERVER } from "./support/student-servers.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGTERM");
});

const CLI_PATH = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));

/** The lab's first server, as a student writes it: one client at a time, length-prefixed echo. */
const SEQUENTIAL_PYTHON_SERVER = `
import socket, struct, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(16)
while True:
    client, _ = server.accept()
    buffered = b""
    while True:
        try:
            data = client.recv(65536)
        except ConnectionResetError:
            break
        if not data:
            break
        buffered += data
        while len(buffered) >= 4 and len(buffered) >= 4 + struct.unpack(">I", buffered[:4])[0]:
            length = 4 + struct.unpack(">I", buffered[:4])[0]
            client.sendall(buffered[:length])
            buffered = buffered[length:]
    client.close()
`;

/**
 * A student's way to serve many clients in one thread: poll each socket in turn with a 5 ms timeout.
 * Every idle peer adds 5 ms to each turn: the legitimate client is answered, ever more slowly.
 */
const POLLING_PYTHON_SERVER = `
import socket, struct, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(128)
server.settimeout(0.005)
clients = {}
while True:
    try:
        client, _ = server.accept()
        client.settimeout(0.005)
        clients[client] = b""
    except socket.timeout:
        pass
    for client in list(clients):
        try:
            data = client.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            data = b""
        if not data:
            del clients[client]
            client.close()
            continue
        buffered = clients[client] + data
        while len(buffered) >= 4 and len(buffered) >= 4 + struct.unpack(">I", buffered[:4])[0]:
            length = 4 + struct.unpack(">I", buffered[:4])[0]
            client.sendall(buffered[:length])
            buffered = buffered[length:]
        clients[client] = buffered
`;

/** docs/expect-module.md's redis PING module. */
const REDIS_PING_MODULE = `
export function request() {
  return "PING";
}
export function judge(reply) {
  return reply.toString() === "+PONG" || \`expected +PONG, got \${JSON.stringify(reply.toString())}\`;
}
`;

function writeScript(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "sockbench-stress-")), name);
  writeFileSync(path, text);
  return path;
}

// The verdict is about being answered at all: 1.5 s per request is generous on loopback, and an attack of
// twice that (the least stress accepts) still has a second half to judge; half a second alone gives the
// baseline rate hundreds of requests.
const SHORT_RUN = [
  "--baseline",
  "500ms",
  "--attack",
  "3s",
  "--timeout",
  "1500ms",
  "--framing",
  "length",
  "--json",
];

const EVERY_SCENARIO_HALVES = [
  ["slowloris", "idle-flood", "non-reading", "oversized"],
  ["garbage", "reset-mid-frame", "churn", "app-input"],
];

describe("sockbench stress", () => {
  // The eight scenarios in two halves side by side (each its own server): a scenario mostly waits out its
  // baseline and attack, and one run of all eight was this file's longest wait.
  it.concurrent.each(EVERY_SCENARIO_HALVES.map((half) => [half]))(
    "every scenario against serve --variant concurrent keeps the legitimate client served: %j",
    async (scenarios) => {
      const serve = `"${process.execPath}" "${CLI_PATH}" serve --port {port} --variant concurrent --app sum --framing length --max-connections 256`;
      const result = await runCli([
        "stress",
        "--server",
        serve,
        "--expect",
        "sum",
        "--hostile-connections",
        "256",
        "--scenarios",
        scenarios.join(","),
        ...SHORT_RUN,
      ]);
      const report = JSON.parse(result.stdout) as StressResult;
      // Served in every scenario. Degraded may be, on a busy machine: the attackers share its CPU, and
      // the CPU-heavy scenarios (non-reading, app-input) slow a single-threaded server down for everyone.
      expect(report.scenarios.map((scenario) => scenario.scenario)).toEqual(scenarios);
      for (const scenario of report.scenarios) {
        expect(["kept serving", "degraded"], `${scenario.scenario}: ${scenario.reason}`).toContain(
          scenario.verdict,
        );
      }
      expect(result.code).toBe(0);
      // sockbench started the server: its peaks are reported, and the floods did reach it.
      for (const scenario of report.scenarios) {
        expect(scenario.peakRssBytes).toBeGreaterThan(0);
        expect(scenario.peakOpenFds).toBeGreaterThan(0);
        expect(scenario.hostile?.opened).toBeGreaterThan(0);
      }
      const idleFlood = report.scenarios.find((scenario) => scenario.scenario === "idle-flood");
      // Three hostile addresses at a quarter of 256 each: 192 held, the rest refused.
      if (idleFlood !== undefined) expect(idleFlood.peakOpenFds).toBeGreaterThan(192);
    },
    400_000,
  );

  it("those two halves are every scenario there is, in the order a run without --scenarios takes", () => {
    expect(EVERY_SCENARIO_HALVES.flat()).toEqual(STRESS_SCENARIO_NAMES);
  });

  it("reports a naive sequential server locked out by a single idle client", async () => {
    const script = writeScript("sequential_server.py", SEQUENTIAL_PYTHON_SERVER);
    const result = await runCli([
      "stress",
      "--server",
      `python3 -u "${script}" {port}`,
      "--scenarios",
      "idle-flood",
      "--hostile-connections",
      "1",
      ...SHORT_RUN,
    ]);
    const report = JSON.parse(result.stdout) as StressResult;
    expect(report.scenarios.map((scenario) => scenario.verdict)).toEqual(["locked out"]);
    expect(report.scenarios[0]?.before?.answered).toBeGreaterThan(0);
    expect(report.scenarios[0]?.secondHalf?.answered).toBe(0);
    expect(result.code).toBe(1);
  }, 120_000);

  it("calls a server that answers at a fraction of its rate alone degraded, not kept serving", async () => {
    const script = writeScript("polling_server.py", POLLING_PYTHON_SERVER);
    const result = await runCli([
      "stress",
      "--server",
      `python3 -u "${script}" {port}`,
      "--scenarios",
      "idle-flood",
      "--hostile-connections",
      "20",
      ...SHORT_RUN,
    ]);
    const report = JSON.parse(result.stdout) as StressResult;
    const [scenario] = report.scenarios;
    expect(scenario?.verdict).toBe("degraded");
    expect(scenario?.reason).toMatch(
      /^the legitimate client was answered [\d.]+ times a second during the attack, [\d.]+ alone \(under 50%\)$/,
    );
    // Every request answered, and more than half in the second half: served, but slowly.
    expect(scenario?.secondHalf?.answered).toBeGreaterThan((scenario?.secondHalf?.requests ?? 0) / 2);
    expect(scenario?.during?.answeredPerSec).toBeLessThan((scenario?.before?.answeredPerSec ?? 0) / 2);
    // Told, not failed: being slow is judged against this machine's baseline, which a busy machine moves.
    expect(result.code).toBe(0);
  }, 120_000);

  it("says the attack did not reach redis in protected mode, which closes every other address at once", async () => {
    const module = writeScript("ping.mjs", REDIS_PING_MODULE);
    const result = await runCli([
      "stress",
      "--server",
      "redis-server --port {port} --save '' --appendonly no --protected-mode yes",
      "--token",
      "\\r\\n",
      "--expect-module",
      module,
      "--scenarios",
      "idle-flood",
      "--hostile-connections",
      "16",
      ...SHORT_RUN,
      "--framing",
      "eof",
    ]);
    const report = JSON.parse(result.stdout) as StressResult;
    const [scenario] = report.scenarios;
    expect(scenario?.verdict).toBe("not reached");
    expect(scenario?.hostile?.silentProbe).toBe("closed");
    expect(scenario?.hostile?.closedByServer).toBe(scenario?.hostile?.opened);
    expect(scenario?.reason).toMatch(
      /^the server closed a silent connection from the first hostile address within 300 ms, and all \d+ hostile connections were closed by the server first: does it refuse addresses other than 127\.0\.0\.1/,
    );
    expect(result.code).toBe(0);
  }, 120_000);

  it("behind a proxy, names the per-address cap that locks the legitimate client out with the attack", async () => {
    // A quarter of 64: 16 connections from the proxy's one address, whoever is behind it.
    const serve = await startCli(["serve", "--port", "0", "--framing", "length", "--max-connections", "64"]);
    children.push(serve.child);
    const proxy = await startCli(["proxy", "--listen", "127.0.0.1:0", "--target", serve.address]);
    children.push(proxy.child);
    const result = await runCli([
      "stress",
      "--target",
      proxy.address,
      "--scenarios",
      "idle-flood",
      "--hostile-connections",
      "32",
      ...SHORT_RUN,
    ]);
    const report = JSON.parse(result.stdout) as StressResult;
    const [scenario] = report.scenarios;
    expect(scenario?.verdict).toBe("locked out");
    expect(scenario?.reason).toMatch(
      /\(first failure: (closed by the server before replying|ECONNRESET)\); a server closes connections before replying when it refuses them at accept, at a cap on connections or per client address, and behind a proxy every client is the proxy's one address \(sockbench serve: --max-connections, --max-connections-per-address\)$/,
    );
    expect(result.code).toBe(1);
  }, 120_000);

  it("calls a server that crashed under the attack server down, with its last output lines", async () => {
    const script = writeScript("crashing_server.py", CRASHING_LENGTH_SERVER);
    const result = await runCli([
      "stress",
      "--server",
      `python3 -u "${script}" {port}`,
      "--scenarios",
      "oversized",
      ...SHORT_RUN,
    ]);
    const report = JSON.parse(result.stdout) as StressResult;
    const [scenario] = report.scenarios;
    expect(scenario?.verdict).toBe("server down");
    expect(scenario?.reason).toBe("during the attack the server exited (exited with code 1)");
    expect(scenario?.serverOutput?.[0]).toMatchObject({ stream: "stdout", text: "serving <all> & sundry" });
    expect(scenario?.serverOutput?.at(-1)).toMatchObject({
      stream: "stderr",
      // The holders announce --max-frame less one (16 MiB), the senders 4 GiB: whichever comes first.
      text: expect.stringMatching(/^ValueError: a frame of \d+ bytes announced, more than 1 MiB$/),
    });
    expect(result.code).toBe(1);
  }, 120_000);

  it("exits 2 on bad usage, naming what was wrong", async () => {
    const unknown = await runCli(["stress", "--scenarios", "slowloris,teardrop"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /expected a comma-separated list of slowloris, idle-flood, .* got "slowloris,teardrop"/,
    );
    const noAttack = await runCli(["stress", "--attack", "0"]);
    expect(noAttack.code).toBe(2);
    expect(noAttack.stderr).toMatch(/--attack must be above 0 ms/);
    // A bare number is seconds, and the message says so in the user's units.
    const shortAttack = await runCli(["stress", "--attack", "1", "--timeout", "2"]);
    expect(shortAttack.code).toBe(2);
    expect(shortAttack.stderr).toMatch(/--attack 1s must be at least twice --timeout 2s/);
  });
});
