// `sockbench check`: the correctness matrix. With --target or --server, against the user's server (any
// language): every size under every fragmentation through the fault proxy, exit 1 when a cell failed.
// Without, the built-in matrix: every framing against sockbench's own echo server, exit 1 when a
// framing that must hold did not, or naive passed a cell it must fail.

import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { PAYLOAD_CONTENTS, type PayloadContent } from "../clients/load/verification/payload-content.js";
import type { FramingName } from "../framing/framing.js";
import { framingOptionDefinitions } from "../framing/registry.js";
import { describeMachine, describeRun } from "../platform/run-context.js";
import { checkResultJson, formatCheckReport } from "../report/check-report.js";
import { ProgressLine } from "../report/progress-line.js";
import { formatTargetCheckReport, probeVerdictText, targetCellText } from "../report/target-check-report.js";
import { FRAGMENTATION_NAMES, type FragmentationName } from "../results/fragmentation-name.js";
import { PROBE_NAMES, type ProbeName } from "../results/probe-name.js";
import { resolveTargetChoice, type TargetOptionValues } from "../targets/target-spec.js";
import { CheckHeartbeat } from "./check-heartbeat.js";
import { CommandFailure, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import { faultsFromOptions } from "./fault-cli-options.js";
import {
  addFramingModuleOptions,
  addFramingOptions,
  type FramingCliOptions,
  framingChoiceFromOptions,
  replyFramingChoiceFromOptions,
} from "./framing-options.js";
import {
  parseDurationMs,
  parseIntegerInRange,
  parseListOf,
  parseOneOf,
  parseSizeBytes,
  parseSizeList,
  percentOption,
} from "./option-parsers.js";
import { quitOnStopSignals } from "./stop-signals.js";
import { addTargetOptions, type TargetCliOptions, targetValuesFromOptions } from "./target-options.js";

interface CheckCliOptions extends TargetCliOptions, FramingCliOptions {
  json: boolean;
  threads: number;
  maxLoss: number;
  sizes?: number[];
  fragmentations?: FragmentationName[];
  connections?: number;
  seed?: number;
  timeout?: number;
  latency?: number;
  jitter?: number;
  bandwidth?: number;
  resetAfter?: number;
  shrink: boolean;
  payload?: PayloadContent;
  /** false with --no-probes; a list with --probes. */
  probes?: ProbeName[] | boolean;
  matrix: boolean;
  singleClient?: boolean;
  clients?: number;
}

/** One thread per core, up to 4: a cell's 1-byte slicing keeps its thread busy. */
const DEFAULT_THREADS = Math.min(4, availableParallelism());

/** Options that only make sense against a user's server. */
const TARGET_ONLY = [
  "connections",
  "seed",
  "timeout",
  "latency",
  "jitter",
  "bandwidth",
  "resetAfter",
  "maxFrame",
  "payload",
  "probes",
  "matrix",
  "singleClient",
  "clients",
  "framingModule",
  "replyFraming",
  "replyFramingModule",
] as const;

/** The option as typed: `--no-probes` for a negated one. */
function optionName(key: string, options: CheckCliOptions): string {
  const kebab = key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return (options as unknown as Record<string, unknown>)[key] === false ? `--no-${kebab}` : `--${kebab}`;
}

async function runBuiltInCheck(options: CheckCliOptions, given: (key: string) => boolean): Promise<void> {
  // Every framing's own options (--token, --record-size, ...) describe a user's server too.
  const framingOptions = framingOptionDefinitions().map((option) => option.key);
  const misplaced = [...TARGET_ONLY, ...framingOptions, "shrink"].filter(given);
  if (misplaced.length > 0) {
    throw new CommandFailure(
      `${misplaced.map((key) => optionName(key, options)).join(", ")} apply to a check of your server: add --target HOST:PORT or --server CMD`,
    );
  }
  const progress = new ProgressLine(process.stderr);
  // Loaded on use, like bench: every other command starts without the suites.
  const { runCheck } = await import("../suites/check-suite.js");
  const narrowed = {
    threads: options.threads,
    maxLoss: options.maxLoss,
    ...(given("framing") ? { framings: [options.framing as FramingName] } : {}),
    ...(options.sizes !== undefined ? { sizesBytes: options.sizes } : {}),
    ...(options.fragmentations !== undefined ? { fragmentations: options.fragmentations } : {}),
  };
  let result: Awaited<ReturnType<typeof runCheck>>;
  const startedAt = new Date().toISOString();
  try {
    result = await runCheck(
      options.json
        ? narrowed
        : {
            ...narrowed,
            onCellStart: (index, total, framing, size, fragmentation) =>
              progress.text(`cell ${index + 1}/${total}: ${framing} ${size} B ${fragmentation}`),
          },
    );
  } finally {
    progress.clear();
  }
  process.stdout.write(
    options.json
      ? `${JSON.stringify(checkResultJson(result, { startedAt, machine: describeMachine(), context: describeRun() }), null, 2)}\n`
      : formatCheckReport(result),
  );
  if (!result.passed) process.exitCode = EXIT_ERRORS_FOUND;
}

async function runUserCheck(
  options: CheckCliOptions,
  targetValues: TargetOptionValues,
  given: (key: string) => boolean,
): Promise<void> {
  if (given("threads"))
    throw new CommandFailure(
      "--threads applies to the built-in matrix: a user's server runs in its own process",
    );
  if (given("maxLoss")) {
    throw new CommandFailure(
      "--max-loss applies to the built-in matrix's udp row: a user's server is checked over TCP",
    );
  }
  const faults = faultsFromOptions({
    latency: options.latency,
    jitter: options.jitter,
    bandwidth: options.bandwidth,
    resetAfter: options.resetAfter,
  });
  const heartbeat = new CheckHeartbeat(process.stderr);
  // In a CI log (stdout not a terminal) a line per cell and probe as it ends shows where a run is.
  const logLine = process.stdout.isTTY ? undefined : (line: string) => heartbeat.say(line);
  const { check } = await import("../library/check.js");
  const replyFraming = replyFramingChoiceFromOptions(options);
  let result: Awaited<ReturnType<typeof check>>;
  try {
    result = await check({
      ...targetValues,
      framing: framingChoiceFromOptions(options, given),
      ...(replyFraming !== undefined ? { replyFraming } : {}),
      ...(given("maxFrame") ? { maxFrameBytes: options.maxFrame } : {}),
      ...(options.connections !== undefined ? { connections: options.connections } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
      faults,
      ...(options.sizes !== undefined ? { sizesBytes: options.sizes } : {}),
      ...(options.fragmentations !== undefined ? { fragmentations: options.fragmentations } : {}),
      ...(options.payload !== undefined ? { payload: options.payload } : {}),
      ...(options.probes === false
        ? { probes: [] }
        : Array.isArray(options.probes)
          ? { probes: options.probes }
          : {}),
      matrix: options.matrix,
      singleClient: options.singleClient ?? false,
      ...(options.clients !== undefined ? { concurrentClients: options.clients } : {}),
      shrink: options.shrink,
      onCellStart: (index, total, plan) => heartbeat.cellStarted(index, total, plan),
      onCellEnd: (index, total, cell) => {
        heartbeat.cellEnded(index);
        logLine?.(
          `cell ${index + 1}/${total}: ${cell.size} B ${cell.fragmentation}: ${targetCellText(cell)} (${(cell.durationMs / 1000).toFixed(1)} s)`,
        );
      },
      onProbeStart: (name) => heartbeat.probeStarted(name),
      onProbeEnd: (probe) => {
        heartbeat.probeEnded(probe.name);
        logLine?.(
          `probe ${probe.name}: ${probeVerdictText(probe)} (${(probe.durationMs / 1000).toFixed(1)} s)`,
        );
      },
      onShrinkStart: (from) => heartbeat.shrinkStarted(from),
    });
  } finally {
    heartbeat.stop();
  }
  process.stdout.write(
    options.json ? `${JSON.stringify(result, null, 2)}\n` : formatTargetCheckReport(result),
  );
  if (!result.passed) process.exitCode = EXIT_ERRORS_FOUND;
}

export function registerCheckCommand(program: Command): void {
  const command = program
    .command("check")
    .description(
      "correctness matrix through the fault proxy: your server (--target or --server), or else every framing against the built-in echo server, and udp, one message per datagram",
    )
    .option(
      "--sizes <list>",
      "message sizes, e.g. 0,1,1KiB (default: 0,1,1023,1024,1025,64KiB; built-in: up to 1MiB)",
      parseSizeList,
    )
    .option(
      "--fragmentations <list>",
      `which fragmentations (default all: ${FRAGMENTATION_NAMES.join(", ")})`,
      parseListOf(FRAGMENTATION_NAMES),
    )
    .option(
      "--connections <count>",
      "connections per cell (default 1; 1 for a sequential server)",
      parseIntegerInRange(1, 1000),
    )
    .option("--seed <n>", "seed for the proxy's cuts (default 1)", parseIntegerInRange(0, 2 ** 32 - 1))
    .option(
      "--timeout <duration>",
      "per request (default 5s, longer for large sliced messages)",
      parseDurationMs,
    )
    .option("--latency <duration>", "proxy: delay every chunk by this long, in every cell", parseDurationMs)
    .option("--jitter <duration>", "proxy: vary the latency by up to this much", parseDurationMs)
    .option("--bandwidth <bytes-per-s>", "proxy: at most this many bytes per second", parseSizeBytes)
    .option("--reset-after <size>", "proxy: reset each connection after this many bytes", parseSizeBytes)
    .option("--no-shrink", "do not look for the smallest failing case")
    .option(
      "--payload <content>",
      `what generated echo payloads hold: ${PAYLOAD_CONTENTS.join(", ")} (default mixed: utf8 and binary bodies with whitespace at both ends; utf8 for a text server; text: printable ASCII only)`,
      parseOneOf(PAYLOAD_CONTENTS),
    )
    .option(
      "--probes <list>",
      `which probes run after the matrix (default all: ${PROBE_NAMES.join(", ")})`,
      parseListOf(PROBE_NAMES),
    )
    .option("--no-probes", "run the matrix alone")
    .option("--no-matrix", "run the probes alone")
    .option(
      "--single-client",
      "the server serves one client and exits (as the lab's hello server): skip the probes, which need more",
    )
    .option(
      "--clients <count>",
      "clients the concurrent-clients probe runs side by side (default 4)",
      parseIntegerInRange(2, 64),
    )
    .option(
      "--threads <count>",
      "built-in matrix: worker threads running cells (one per core, up to 4)",
      parseIntegerInRange(1, 64),
      DEFAULT_THREADS,
    )
    .addOption(
      percentOption(
        "--max-loss <percent>",
        "built-in udp row: the share of datagrams that may go unanswered before a cell fails, e.g. 0.1%",
        0,
      ),
    )
    .option("--json", "print only the JSON result", false);
  addTargetOptions(addFramingModuleOptions(addFramingOptions(command, "eof")));
  command.action(async (options: CheckCliOptions) => {
    quitOnStopSignals();
    const given = (key: string) => command.getOptionValueSource(key) === "cli";
    const targetValues = targetValuesFromOptions(options);
    if (resolveTargetChoice(targetValues) === undefined) await runBuiltInCheck(options, given);
    else await runUserCheck(options, targetValues, given);
  });
}
