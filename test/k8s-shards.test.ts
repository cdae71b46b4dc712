// One load as N shards, the way the Kubernetes Indexed Job runs it: the manifest `k8s-job` prints is valid
// against the Kubernetes schema, and its pods' command, run here as N local processes (JOB_COMPLETION_INDEX
// set, $(JOB_COMPLETION_INDEX) expanded as the kubelet does, each from its own loopback address) against one
// server, gives parts whose merge adds up exactly.

import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Job } from "kubernetes-models/batch/v1/Job";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLatencyHistogram,
  decodeHistogram,
  summarizeLatency,
} from "../src/results/latency-histogram.js";
import { ERROR_KINDS, type LoadResult } from "../src/results/load-result.js";
import { runCli } from "./support/cli-process.js";

interface Container {
  command: string[];
  args: string[];
  volumeMounts?: { name: string; mountPath: string }[];
}

async function printJob(args: string[]): Promise<{ manifest: Job; container: Container }> {
  const printed = await runCli(["k8s-job", ...args]);
  expect(printed.stderr).toBe("");
  expect(printed.code).toBe(0);
  const manifest = new Job(JSON.parse(printed.stdout));
  const container = manifest.spec?.template.spec?.containers[0] as unknown as Container;
  return { manifest, container };
}

/** What the kubelet does to a container's args: $(NAME) becomes the value of NAME in its environment. */
function expandAsKubelet(args: string[], env: Record<string, string>): string[] {
  return args.map((arg) =>
    arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name) => env[name] ?? whole),
  );
}

describe("k8s-job manifest", () => {
  it("is a valid Indexed Job: N completions, N in parallel, each pod one shard from JOB_COMPLETION_INDEX", async () => {
    const { manifest, container } = await printJob([
      "--shards",
      "4",
      "--image",
      "registry.example/sockbench:0.1.0",
      "--start-at",
      "2026-12-01T10:30:00Z",
      "--",
      "--target",
      "echo.default.svc:7000",
      "--framing",
      "length",
      "--connections",
      "10000",
      "--duration",
      "30s",
    ]);
    // Throws, naming the field, when the manifest breaks the Kubernetes schema.
    manifest.validate();
    expect(manifest.spec?.completionMode).toBe("Indexed");
    expect(manifest.spec?.completions).toBe(4);
    expect(manifest.spec?.parallelism).toBe(4);
    expect(manifest.spec?.template.spec?.restartPolicy).toBe("Never");
    expect(container.command).toEqual(["sockbench"]);
    expect(container.args.join(" ")).toBe(
      "load --target echo.default.svc:7000 --framing length --connections 10000 --duration 30s --shard $(JOB_COMPLETION_INDEX)/4 --start-at 2026-12-01T10:30:00.000Z --json",
    );
  });

  it("with --results-claim mounts the claim and writes each shard's result to its own file", async () => {
    const { manifest, container } = await printJob([
      "--shards",
      "2",
      "--image",
      "sockbench",
      "--name",
      "nightly-load",
      "--namespace",
      "bench",
      "--results-claim",
      "load-results",
      "--",
      "--target",
      "echo:7000",
      "--framing",
      "eof",
    ]);
    manifest.validate();
    expect(manifest.metadata?.namespace).toBe("bench");
    expect(manifest.spec?.template.spec?.volumes).toEqual([
      { name: "results", persistentVolumeClaim: { claimName: "load-results" } },
    ]);
    expect(container.volumeMounts).toEqual([{ name: "results", mountPath: "/results" }]);
    expect(container.args.slice(-3)).toEqual([
      "--json",
      "--out",
      "/results/shard-$(JOB_COMPLETION_INDEX)-of-2.json",
    ]);
    // The default start is two minutes from now.
    const startAt = Date.parse(container.args[container.args.indexOf("--start-at") + 1] as string);
    expect(startAt - Date.now()).toBeGreaterThan(100_000);
    expect(startAt - Date.now()).toBeLessThanOrEqual(120_000);
  });

  it.each([
    [["--", "--target", "echo:7000", "--framing", "lenght"], /argument 'lenght' is invalid/],
    [
      ["--", "--target", "echo:7000", "--framing", "length", "--connections", "3"],
      /4 shards need at least 4 connections/,
    ],
    [
      ["--", "--target", "echo:7000", "--framing", "length", "--shard", "0/4"],
      /the Job sets --shard.*leave out --shard/,
    ],
    [["--", "--target", "nowhere", "--framing", "length"], /expected a target such as HOST:PORT/],
    [
      ["--name", "Load_1", "--", "--target", "echo:7000", "--framing", "length"],
      /--name must be a DNS label/,
    ],
  ])("refuses load options no pod could run (%j)", async (extra, message) => {
    const printed = await runCli(["k8s-job", "--shards", "4", "--image", "sockbench", ...extra]);
    expect(printed.code).toBe(2);
    expect(printed.stderr).toMatch(message);
    expect(printed.stdout).toBe("");
  });
});

/** An echo server (bytes back as they come, so any framing passes) that counts connections per source address. */
async function echoServerBySource(): Promise<{
  server: Server;
  port: number;
  bySource: Map<string, number>;
}> {
  const bySource = new Map<string, number>();
  const server = createServer((socket) => {
    const source = socket.remoteAddress ?? "?";
    bySource.set(source, (bySource.get(source) ?? 0) + 1);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => socket.write(chunk));
    socket.on("error", () => {});
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return { server, port: address.port, bySource };
}

describe("four shards as local processes, merged", () => {
  const SHARDS = 4;
  let directory: string;
  let echo: Awaited<ReturnType<typeof echoServerBySource>>;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "sockbench-shards-"));
    echo = await echoServerBySource();
  });
  afterAll(async () => {
    await new Promise((resolve) => echo.server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  /**
   * Runs each pod's command as a local process, JOB_COMPLETION_INDEX set, from 127.0.0.(2 + index). The
   * shared start must leave every shard time to start Node and open its connections: first six times one
   * CLI start measured now. A shard that is still not ready refuses the run (exit 2, "passed ... before
   * this run was ready"), as it must; the machine was slower than guessed, so the shards run again with
   * twice the time, at most three times in all.
   */
  async function runShards(loadArgs: string[]): Promise<{ parts: LoadResult[]; paths: string[] }> {
    const started = performance.now();
    await runCli(["--version"]);
    let startInS = Math.max(3, Math.ceil((6 * (performance.now() - started)) / 1000));
    for (let attempt = 1; ; attempt++, startInS *= 2) {
      echo.bySource.clear();
      const { container } = await printJob([
        "--shards",
        String(SHARDS),
        "--image",
        "sockbench",
        "--start-at",
        `+${startInS}s`,
        "--",
        ...loadArgs,
      ]);
      const runs = await Promise.all(
        Array.from({ length: SHARDS }, (_, index) => {
          const env = { JOB_COMPLETION_INDEX: String(index) };
          const args = expandAsKubelet(container.args, env);
          return runCli([...args, "--local-address", `127.0.0.${2 + index}`], { env });
        }),
      );
      const late = runs.some((run) => run.code === 2 && /before this run was ready/.test(run.stderr));
      if (late && attempt < 3) continue;
      for (const run of runs) {
        expect(run.stderr).toBe("");
        expect(run.code).toBe(0);
      }
      const parts = runs.map((run) => JSON.parse(run.stdout) as LoadResult);
      const paths = parts.map((_, index) => join(directory, `part-${index}.json`));
      await Promise.all(runs.map((run, index) => writeFile(paths[index] as string, run.stdout)));
      return { parts, paths };
    }
  }

  async function merge(paths: string[], out: string): Promise<LoadResult> {
    const merged = await runCli(["merge", ...paths, "--out", out]);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    return JSON.parse(await readFile(out, "utf8")) as LoadResult;
  }

  // Each test starts several Node processes, waits for the shared start, then merges.
  const SHARD_TEST_TIMEOUT_MS = 600_000;

  it(
    "an open loop: the shards' schedules add up to the whole rate, the merge to the sum of the parts",
    async () => {
      const { parts, paths } = await runShards([
        "--target",
        `127.0.0.1:${echo.port}`,
        "--framing",
        "length",
        "--connections",
        "10",
        "--rate",
        "1000",
        "--duration",
        "2s",
      ]);
      // Each shard connected from its own address, with its share of the ten connections.
      expect([...echo.bySource.entries()].sort()).toEqual([
        ["127.0.0.2", 2],
        ["127.0.0.3", 3],
        ["127.0.0.4", 2],
        ["127.0.0.5", 3],
      ]);
      expect(parts.map((part) => part.shard?.index)).toEqual([0, 1, 2, 3]);
      expect(new Set(parts.map((part) => part.perSecond.startMs)).size).toBe(1);
      const merged = await merge(paths, join(directory, "merged-rate.json"));
      // 1000 requests a second for two seconds, not one more or less, though no shard's share is whole.
      expect(merged.messages.scheduled).toBe(2000);
      expectExactSums(merged, parts);
    },
    SHARD_TEST_TIMEOUT_MS,
  );

  it(
    "a closed loop with an amount: the shards' amounts add up to it exactly",
    async () => {
      const { parts, paths } = await runShards([
        "--target",
        `127.0.0.1:${echo.port}`,
        "--framing",
        "eof",
        "--connections",
        "7",
        "--amount",
        "1001",
      ]);
      expect(parts.map((part) => part.shard?.amount)).toEqual([143, 286, 286, 286]);
      const merged = await merge(paths, join(directory, "merged-amount.json"));
      expect(merged.messages.sent).toBe(1001);
      expect(merged.messages.verified).toBe(1001);
      expectExactSums(merged, parts);
      // compare reads a merged file like any other result.
      const compared = await runCli([
        "compare",
        join(directory, "merged-amount.json"),
        join(directory, "merged-amount.json"),
      ]);
      expect(compared.code).toBe(0);
      expect(compared.stdout).toMatch(/1 scenario compared, 0 regressed/);
      // Two copies of one shard, or a set with one missing, are refused.
      const copies = await runCli(["merge", paths[0] as string, paths[0] as string, paths[1] as string]);
      expect(copies.code).toBe(2);
      expect(copies.stderr).toMatch(/are both shard 0\/4: two copies of one shard/);
      const missing = await runCli(["merge", ...paths.slice(1)]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(
        /shard 0\/4 missing \(3 of 4 given\): merge them all, or pass --partial/,
      );
    },
    SHARD_TEST_TIMEOUT_MS,
  );
});

/** The merged counts are the parts' sums, and its percentiles those of every part's samples together. */
function expectExactSums(merged: LoadResult, parts: LoadResult[]): void {
  const sum = (pick: (result: LoadResult) => number) => parts.reduce((total, part) => total + pick(part), 0);
  expect(merged.mergedShards).toBe(parts.length);
  expect(merged.messages.sent).toBe(sum((part) => part.messages.sent));
  expect(merged.messages.received).toBe(sum((part) => part.messages.received));
  expect(merged.messages.verified).toBe(sum((part) => part.messages.verified));
  for (const kind of ERROR_KINDS) expect(merged.errors[kind]).toBe(sum((part) => part.errors[kind]));
  const all = createLatencyHistogram();
  for (const part of parts) all.add(decodeHistogram(part.histogram));
  expect(decodeHistogram(merged.histogram).totalCount).toBe(sum((part) => part.messages.verified));
  const { max: _max, ...percentiles } = summarizeLatency(all);
  expect(merged.latencyUs).toMatchObject(percentiles);
  expect(merged.latencyUs.max).toBe(Math.max(...parts.map((part) => part.latencyUs.max)));
}
