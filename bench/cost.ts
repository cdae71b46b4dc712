// `npm run bench:cost [-- --rounds 3 --seconds 3 --framing length]`: what a message costs the driver and
// the server. The same verified `sockbench load` drives a native C epoll echo server (bench/echo-server.c,
// built here with cc) and sockbench's concurrent server, alternating, for two workloads: 64 B over
// 50 connections x 16 pipelined, and 64 KiB over 8 x 4. For each it prints msg/s, driver and server CPU per
// verified message, the part of it spent in the kernel and the share of a core each used, as medians of
// the rounds, and the ratio sockbench/C measured round by round (so a busy moment of a shared machine hits
// both sides of a ratio). The kernel's part is the floor no user-space work goes below: the C echo
// server's whole cost is its system calls, and the driver makes the same ones.
//
// The CPU figures are the load result's own (`cpu`, docs/result-format.md): this process's CPU time and
// the server's from /proc/PID/stat (10 ms ticks), over the measured phase, after a warmup that lets both
// sides' JIT and buffers settle.

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Table from "cli-table3";
import { runLoad } from "../src/clients/load/load-driver.js";
import type { FramingName } from "../src/framing/framing.js";
import { totalErrors } from "../src/results/load-result.js";
import {
  type ServerProcess,
  startListeningProcess,
  startServerProcess,
} from "../src/suites/server-process.js";

const WARMUP_MS = 700;

interface Workload {
  title: string;
  sizeBytes: number;
  connections: number;
  pipelining: number;
  /** Issue 14's goals: driver CPU per verified message, and the sockbench/C server CPU ratio. */
  driverGoalUs: number;
  serverRatioGoal: number;
}

const WORKLOADS: Workload[] = [
  {
    title: "64 B, 50 conn x 16",
    sizeBytes: 64,
    connections: 50,
    pipelining: 16,
    driverGoalUs: 0.8,
    serverRatioGoal: 1.5,
  },
  {
    title: "64 KiB, 8 conn x 4",
    sizeBytes: 64 * 1024,
    connections: 8,
    pipelining: 4,
    driverGoalUs: 25,
    serverRatioGoal: 1.3,
  },
];

type ServerName = "C echo" | "sockbench concurrent";
const SERVERS: ServerName[] = ["C echo", "sockbench concurrent"];

interface Sample {
  messagesPerSec: number;
  driverUsPerMessage: number;
  serverUsPerMessage: number;
  /** The kernel's part of each side's CPU per message. */
  driverKernelUsPerMessage: number;
  serverKernelUsPerMessage: number;
  driverCores: number;
  serverCores: number;
}

const FIELDS: (keyof Sample)[] = [
  "messagesPerSec",
  "driverUsPerMessage",
  "driverKernelUsPerMessage",
  "serverUsPerMessage",
  "serverKernelUsPerMessage",
  "driverCores",
  "serverCores",
];
const HEADS = [
  "msg/s",
  "driver CPU/msg",
  "in kernel",
  "server CPU/msg",
  "in kernel",
  "driver cores",
  "server cores",
];

function buildEchoServer(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled from dist/bench/: the C source stays in bench/ at the repository root.
  const source = join(here, "..", "..", "bench", "echo-server.c");
  const binary = join(here, "echo-server");
  mkdirSync(dirname(binary), { recursive: true });
  execFileSync("cc", ["-O2", "-o", binary, source], { stdio: "inherit" });
  return binary;
}

function startServer(name: ServerName, framing: FramingName, echoBinary: string): Promise<ServerProcess> {
  if (name === "C echo") return startListeningProcess(echoBinary, [framing, "0"]);
  return startServerProcess(["--variant", "concurrent", "--framing", framing, "--app", "echo"]);
}

async function measure(
  name: ServerName,
  workload: Workload,
  framing: FramingName,
  seconds: number,
  echoBinary: string,
): Promise<Sample> {
  const server = await startServer(name, framing, echoBinary);
  try {
    const result = await runLoad({
      target: `${server.host}:${server.port}`,
      framing,
      connections: workload.connections,
      pipelining: workload.pipelining,
      sizesBytes: [workload.sizeBytes],
      warmupMs: WARMUP_MS,
      durationMs: seconds * 1000,
      verify: "echo",
      serverPid: server.pid,
    });
    if (totalErrors(result) > 0) {
      throw new Error(`${name}, ${workload.title}: ${totalErrors(result)} errors: ${result.errorSamples[0]}`);
    }
    const { driver, server: serverCpu } = result.cpu ?? {};
    if (
      driver?.usPerMessage === undefined ||
      serverCpu?.usPerMessage === undefined ||
      driver.systemUs === undefined ||
      serverCpu.systemUs === undefined
    ) {
      throw new Error(`${name}, ${workload.title}: no CPU figures (${result.warnings.join("; ")})`);
    }
    const verified = result.messages.verified;
    return {
      messagesPerSec: result.throughput.messagesPerSec,
      driverUsPerMessage: driver.usPerMessage,
      serverUsPerMessage: serverCpu.usPerMessage,
      driverKernelUsPerMessage: driver.systemUs / verified,
      serverKernelUsPerMessage: serverCpu.systemUs / verified,
      driverCores: driver.coreShare,
      serverCores: serverCpu.coreShare,
    };
  } finally {
    await server.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function medianOf(samples: Sample[], field: keyof Sample): number {
  return median(samples.map((sample) => sample[field]));
}

function format(field: keyof Sample, value: number): string {
  if (field === "messagesPerSec") return Math.round(value).toLocaleString("en-US");
  if (field === "driverCores" || field === "serverCores") return value.toFixed(2);
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} us`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "3" },
      framing: { type: "string", default: "length" },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const framing = values.framing as FramingName;
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new UsageError(`--rounds must be a whole number >= 1, got ${values.rounds}`);
  if (!(seconds > 0)) throw new UsageError(`--seconds must be above 0, got ${values.seconds}`);
  if (framing !== "length" && framing !== "eof")
    throw new UsageError(
      `--framing must be length or eof (the framings the C echo server speaks), got ${framing}`,
    );
  const echoBinary = buildEchoServer();
  console.log(
    `node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(" ")}; framing ${framing}, ${rounds} rounds of ${seconds} s, every reply verified`,
  );
  for (const workload of WORKLOADS) {
    const samples: Record<ServerName, Sample[]> = { "C echo": [], "sockbench concurrent": [] };
    const ratios: Sample[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which server goes first, so that neither always runs in the same moment of a round.
      const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
      const sample: Partial<Record<ServerName, Sample>> = {};
      for (const name of order) {
        sample[name] = await measure(name, workload, framing, seconds, echoBinary);
        samples[name].push(sample[name]);
      }
      const ours = sample["sockbench concurrent"] as Sample;
      const native = sample["C echo"] as Sample;
      ratios.push(
        Object.fromEntries(FIELDS.map((field) => [field, ours[field] / native[field]])) as unknown as Sample,
      );
    }
    const table = new Table({
      head: [workload.title, ...HEADS],
      style: { head: [], border: [] },
    });
    for (const name of SERVERS) {
      table.push([name, ...FIELDS.map((field) => format(field, medianOf(samples[name], field)))]);
    }
    table.push(["sockbench / C", ...FIELDS.map((field) => `${medianOf(ratios, field).toFixed(2)}x`)]);
    console.log(`\n${table.toString()}`);
    const native = samples["C echo"];
    const driverUs = medianOf(native, "driverUsPerMessage");
    const driverKernelUs = medianOf(native, "driverKernelUsPerMessage");
    const nativeServerUs = medianOf(native, "serverUsPerMessage");
    const serverRatio = medianOf(ratios, "serverUsPerMessage");
    console.log(
      `goals: driver CPU per message against C echo ${format("driverUsPerMessage", driverUs)} (goal <= ${workload.driverGoalUs} us: ${driverUs <= workload.driverGoalUs ? "met" : "not met"}; ` +
        `its kernel part alone ${format("driverUsPerMessage", driverKernelUs)}, the C echo server's whole cost for the same system calls ${format("serverUsPerMessage", nativeServerUs)}: driver/C echo ${(driverUs / nativeServerUs).toFixed(2)}x); ` +
        `server CPU ratio ${serverRatio.toFixed(2)}x (goal <= ${workload.serverRatioGoal}x: ${serverRatio <= workload.serverRatioGoal ? "met" : "not met"})`,
    );
  }
}

/** A wrong option: exit 2 with the message alone, as sockbench's commands do. */
class UsageError extends Error {}

try {
  await main();
} catch (error) {
  // parseArgs names an unknown option or a missing value itself (codes ERR_PARSE_ARGS_*).
  const usage =
    error instanceof UsageError || String((error as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS");
  console.error(
    `bench:cost: ${(error as Error).message}${usage ? " (options: --rounds N --seconds S --framing length|eof)" : ""}`,
  );
  process.exitCode = usage ? 2 : 1;
}
