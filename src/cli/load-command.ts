// `sockbench load`: drives a server with verified requests and reports latency, throughput and errors.
// What a reply must be is --expect or --expect-module, as on every command that sends; --verify is
// --expect's old name, still taken.

import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import {
  DEFAULT_CONNECT_RATE,
  DEFAULT_CONNECTIONS,
  DEFAULT_DURATION_MS,
  DEFAULT_PIPELINING,
  DEFAULT_SEED,
  DEFAULT_SIZE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type LoadConfig,
  LoadConfigError,
  MAX_SPLIT_PIECES,
  VERIFY_MODES,
  type VerifyMode,
} from "../clients/load/core/load-config.js";
import type { Shard } from "../clients/load/core/load-share.js";
import { transportOfTarget } from "../clients/load/core/target-scheme.js";
import { ExpectModuleError } from "../clients/load/verification/expectation-module.js";
import { FramingModuleError } from "../clients/load/verification/framing-module.js";
import { FramingError } from "../framing/framing-error.js";
import { FdLimitError } from "../platform/fd-limit.js";
import { describeMachine, describeRun } from "../platform/run-context.js";
import { formatDurationMs } from "../report/format-number.js";
import { ProgressLine } from "../report/progress-line.js";
import { DEFAULT_PERCENTILES } from "../results/latency-percentiles.js";
import { totalErrors, withLatencyPercentiles } from "../results/load-result.js";
import { TRANSPORTS, type Transport } from "../results/transport.js";
import { TargetSetupError } from "../targets/target-error.js";
import { type ExpectationSpec, expectationConfig } from "../targets/target-spec.js";
import { CommandFailure, EXIT_USAGE } from "./exit-codes.js";
import {
  addFramingModuleOptions,
  addFramingOptions,
  type FramingCliOptions,
  framingChoiceFromOptions,
  framingOptionGiven,
  replyFramingChoiceFromOptions,
} from "./framing-options.js";
import { addGateOptions, type GateCliOptions, gatesFromOptions, judgeRun } from "./gate-options.js";
import { loadConfigErrorText } from "./load-config-flags.js";
import {
  durationOption,
  parseIntegerInRange,
  parsePercentileList,
  parseRatePerSecond,
  parseShardOption,
  parseSizeBytes,
  parseSizeList,
  parseStartAt,
} from "./option-parsers.js";
import { checkOutputPath, saveRunOutput } from "./run-outputs.js";
import { withStopSignals } from "./stop-signals.js";
import { addExpectOptions, type ExpectCliOptions, expectationFromOptions } from "./target-options.js";
import { warnOnWrkThreadCount } from "./wrk-thread-hint.js";

export interface LoadCliOptions extends FramingCliOptions, GateCliOptions, ExpectCliOptions {
  label?: string;
  target?: string;
  transport?: Transport;
  connections: number;
  pipelining: number;
  size?: number;
  sizes?: number[];
  message?: string;
  duration?: number;
  amount?: number;
  warmup: number;
  rate?: number;
  timeout: number;
  /** --expect's old name. */
  verify?: VerifyMode;
  workers: number;
  seed: number;
  insecure: boolean;
  ca?: string;
  split?: number;
  nagle: boolean;
  shard?: Shard;
  startAt?: number;
  localAddress?: string;
  connectRate: number;
  serverPid?: number;
  json: boolean;
  out?: string;
  hgrm?: string;
  percentiles?: number[];
  bail?: number;
  perConnection: boolean;
}

const TARGET_FORMS =
  "tcp: HOST:PORT, tcp://HOST:PORT, tls://HOST:PORT or unix:PATH; http: http://HOST:PORT[/PATH]; udp: udp://HOST:PORT";

/** The target, given as autocannon takes it (`sockbench load 127.0.0.1:8080`) or with --target. */
export function chooseTarget(positional: string | undefined, option: string | undefined): string {
  if (positional !== undefined && option !== undefined && positional !== option) {
    throw new CommandFailure(`two targets given: ${positional} and --target ${option}; give one`, EXIT_USAGE);
  }
  const target = positional ?? option;
  if (target === undefined) {
    throw new CommandFailure(
      `no target: give one as in \`sockbench load 127.0.0.1:8080\` (${TARGET_FORMS})`,
      EXIT_USAGE,
    );
  }
  return target;
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CommandFailure(`cannot read --ca ${path}: ${(error as Error).message}`, EXIT_USAGE);
  }
}

/** The load command's arguments and options, for `load` and for `k8s-job`, which checks its pods' options. */
export function defineLoadCommand(command: Command): Command {
  command
    .description("load a server with verified requests; report latency, throughput and errors by kind")
    .argument("[target]", `the server: ${TARGET_FORMS} (or --target)`)
    .option("--target <target>", "the same as the positional target")
    .addOption(
      new Option(
        "--transport <name>",
        "tcp: messages cut by --framing; http: each request a POST (to the target's path) whose body is the message; udp: each request one datagram (default: the target's scheme's, http:// or udp://, else tcp)",
      ).choices(TRANSPORTS),
    )
    .option("-c, --connections <count>", "connections", parseIntegerInRange(1, 100_000), DEFAULT_CONNECTIONS)
    .option(
      "-p, --pipelining <count>",
      "requests in flight per connection",
      parseIntegerInRange(1, 100_000),
      DEFAULT_PIPELINING,
    )
    .addOption(
      new Option(
        "--size <bytes>",
        `payload size, e.g. 64 or 1KiB (default: ${DEFAULT_SIZE_BYTES})`,
      ).argParser(parseSizeBytes),
    )
    .addOption(
      new Option("--sizes <list>", "payload sizes mixed in a seeded random order, e.g. 0,1,64,1MiB")
        .argParser(parseSizeList)
        .conflicts("size"),
    )
    .addOption(
      new Option("--message <text>", "every request carries exactly this payload").conflicts([
        "size",
        "sizes",
      ]),
    )
    .addOption(
      durationOption(
        "-d, --duration <duration>",
        `measured phase; a bare number is seconds (default: ${formatDurationMs(DEFAULT_DURATION_MS)})`,
      ),
    )
    .addOption(
      new Option("-a, --amount <count>", "measured requests to send, instead of a duration")
        .argParser(parseIntegerInRange(1, Number.MAX_SAFE_INTEGER))
        .conflicts("duration"),
    )
    .addOption(
      durationOption("-W, --warmup <duration>", "load first for this long, left out of every figure", 0),
    )
    .option(
      "-R, --rate <perSecond>",
      "open loop: requests per second at fixed intended times (latency from those times), e.g. 5000, 5k, 1.5M",
      parseRatePerSecond,
    )
    .addOption(
      durationOption(
        "-t, --timeout <duration>",
        "per request; also the connect timeout. A bare number is seconds, as autocannon's -t (wrk's -t is threads: here -w)",
        DEFAULT_TIMEOUT_MS,
      ),
    )
    .addOption(
      new Option("--verify <mode>", "the old name of --expect, still taken (the same values)").choices(
        VERIFY_MODES,
      ),
    )
    .option("-w, --workers <count>", "worker threads sharing the connections", parseIntegerInRange(1, 256), 1)
    .option("--seed <number>", "seed of the size order", parseIntegerInRange(0, 2 ** 32 - 1), DEFAULT_SEED)
    .option("--insecure", "tls: accept a certificate that does not verify (self-signed)", false)
    .option("--ca <file>", "tls: trust this certificate authority (PEM)")
    .option(
      "--split <pieces>",
      "write each frame in this many pieces, one timer turn apart",
      parseIntegerInRange(2, MAX_SPLIT_PIECES),
    )
    .option("--nagle", "leave Nagle's algorithm on, so that the kernel may merge writes", false)
    .option(
      "--shard <I/N>",
      "run shard I (from 0, as JOB_COMPLETION_INDEX counts) of N: its exact share of the connections, rate and amount",
      parseShardOption,
    )
    .option(
      "--start-at <time>",
      "start the measured phase at this instant (2026-12-01T10:30:00Z, or +30s from now), the same for every shard",
      (text: string) => parseStartAt(text),
    )
    .option("--local-address <ip>", "open the connections from this local address, e.g. 127.0.0.2")
    .option(
      "--connect-rate <perSecond>",
      "open at most this many connections a second",
      parseIntegerInRange(1, 1_000_000),
      DEFAULT_CONNECT_RATE,
    )
    .option(
      "--server-pid <pid>",
      "the server's process id: report its CPU time per message beside the driver's (Linux /proc)",
      parseIntegerInRange(1, 4_194_304),
    )
    .option("-j, --json", "print only the JSON result", false)
    .option("--out <file>", "also write the JSON result to this file")
    .option("--hgrm <file>", "also write the latency percentile distribution (HdrHistogram .hgrm, ms)")
    .option(
      "--percentiles <list>",
      `latency percentiles of the table and of latencyUs.percentiles (default ${DEFAULT_PERCENTILES.join(",")})`,
      parsePercentileList,
    )
    .option("--label <name>", "name this run in its result, for compare and reports")
    .option(
      "--bail <errors>",
      "stop the load once this many errors were counted (with --workers, in any one worker); the result so far is kept, marked partial",
      parseIntegerInRange(1, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--per-connection",
      "report each connection's verified replies (tcp, http), so that a starved connection shows",
      false,
    );
  addExpectOptions(command);
  addGateOptions(command);
  return addFramingModuleOptions(addFramingOptions(command));
}

/** What replies must be: --expect or --expect-module, with --verify read as --expect (exit 2 when they disagree). */
export function loadExpectationSpec(options: LoadCliOptions): ExpectationSpec {
  const { expect, verify, expectModule } = options;
  if (verify !== undefined && expect !== undefined && verify !== expect) {
    throw new CommandFailure(
      `--expect ${expect} and --verify ${verify} disagree: --verify is the old name of --expect; give one`,
      EXIT_USAGE,
    );
  }
  if (verify !== undefined && expectModule !== undefined) {
    throw new CommandFailure(
      "give --verify (the old name of --expect) or --expect-module, not both",
      EXIT_USAGE,
    );
  }
  return expectationFromOptions({ expect: expect ?? verify, expectModule });
}

/** The LoadConfig the parsed load options ask for (resolveLoadConfig judges the combination). */
export function loadConfigOf(target: string, options: LoadCliOptions, command: Command): LoadConfig {
  const transport = options.transport ?? transportOfTarget(target) ?? "tcp";
  // Over http and udp the framing options keep their defaults unless given, and resolveLoadConfig refuses them.
  const typed = (name: string) => command.getOptionValueSource(name) === "cli";
  const given = (name: string) => transport === "tcp" || typed(name);
  const replyFraming = replyFramingChoiceFromOptions(options);
  const sizes = options.sizes ?? (options.size !== undefined ? [options.size] : undefined);
  return {
    target,
    transport,
    ...(framingOptionGiven(given) ? { framing: framingChoiceFromOptions(options, typed) } : {}),
    ...(replyFraming !== undefined ? { replyFraming } : {}),
    maxFrameBytes: options.maxFrame,
    connections: options.connections,
    pipelining: options.pipelining,
    ...(sizes !== undefined ? { sizesBytes: sizes } : {}),
    ...(options.message !== undefined ? { message: Buffer.from(options.message, "utf8") } : {}),
    ...(options.duration !== undefined ? { durationMs: options.duration } : {}),
    ...(options.amount !== undefined ? { amount: options.amount } : {}),
    warmupMs: options.warmup,
    ...(options.rate !== undefined ? { rate: options.rate } : {}),
    timeoutMs: options.timeout,
    ...expectationConfig(loadExpectationSpec(options)),
    workers: options.workers,
    seed: options.seed,
    insecure: options.insecure,
    ...(options.ca !== undefined ? { ca: readCa(options.ca) } : {}),
    ...(options.split !== undefined ? { splitPieces: options.split } : {}),
    nagle: options.nagle,
    ...(options.label !== undefined ? { label: options.label } : {}),
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    ...(options.startAt !== undefined ? { startAtMs: options.startAt } : {}),
    ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
    connectRate: options.connectRate,
    ...(options.serverPid !== undefined ? { serverPid: options.serverPid } : {}),
    ...(options.bail !== undefined ? { bail: options.bail } : {}),
    ...(options.perConnection ? { perConnection: true } : {}),
  };
}

export function registerLoadCommand(program: Command): void {
  const command = defineLoadCommand(program.command("load"));
  warnOnWrkThreadCount(command, process.stderr);
  command.action(async (positionalTarget: string | undefined, options: LoadCliOptions) => {
    const target = chooseTarget(positionalTarget, options.target);
    // A path that cannot be written is told now, not after the run it would have held.
    if (options.out !== undefined) await checkOutputPath("--out", options.out);
    if (options.hgrm !== undefined) await checkOutputPath("--hgrm", options.hgrm);
    // Loaded on use, not at start-up: undici and the report's tables would slow every other command.
    const [{ runLoad }, { TargetError }, { formatLoadReport }, { formatHgrm }] = await Promise.all([
      import("../clients/load/load-driver.js"),
      import("../clients/load/core/target.js"),
      import("../report/load-report.js"),
      import("../report/hgrm.js"),
    ]);
    const progress = new ProgressLine(process.stderr);
    let result: Awaited<ReturnType<typeof runLoad>>;
    try {
      const config = loadConfigOf(target, options, command);
      result = await withStopSignals("stopping; the partial result follows", (signal) =>
        runLoad(config, {
          signal,
          ...(options.json ? {} : { onProgress: (snapshot) => progress.update(snapshot) }),
        }),
      );
    } catch (error) {
      if (error instanceof LoadConfigError) throw new CommandFailure(loadConfigErrorText(error), EXIT_USAGE);
      if (
        error instanceof TargetError ||
        error instanceof FramingError ||
        error instanceof FdLimitError ||
        error instanceof ExpectModuleError ||
        error instanceof FramingModuleError ||
        error instanceof TargetSetupError
      ) {
        throw new CommandFailure(error.message, EXIT_USAGE);
      }
      throw error;
    } finally {
      progress.clear();
    }
    if (options.percentiles !== undefined) result = withLatencyPercentiles(result, options.percentiles);
    result = { ...result, machine: describeMachine(), context: describeRun() };
    const json = `${JSON.stringify(result, null, 2)}\n`;
    process.stdout.write(options.json ? json : formatLoadReport(result, options.percentiles));
    const saved = [
      ...(options.out !== undefined ? [await saveRunOutput(options.out, json, options.json)] : []),
      ...(options.hgrm !== undefined
        ? [await saveRunOutput(options.hgrm, formatHgrm(result.histogram))]
        : []),
    ];
    const failures = saved.flatMap((output) => (output.failure !== undefined ? [output.failure] : []));
    for (const failure of failures) process.stderr.write(`sockbench: ${failure}\n`);
    const figures = {
      p99Us: result.latencyUs.p99,
      errors: totalErrors(result),
      messagesPerSec: result.throughput.messagesPerSec,
    };
    const code = judgeRun([{ name: "load", figures }], gatesFromOptions(options), figures.errors > 0);
    process.exitCode = failures.length > 0 ? EXIT_USAGE : code;
  });
}
