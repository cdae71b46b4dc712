// `sockbench stress`: hostile peers against a server (yours with --target or --server, the same options
// and target code as check; else the built-in concurrent server as a reference), side by side with a
// legitimate client. Exit 1 when a scenario locks the legitimate client out or brings the server down.

import { type Command, InvalidArgumentError } from "commander";
import type { Expectation } from "../apps/expectation.js";
import { builtModulePath } from "../built-module.js";
import { framingCliWords } from "../framing/registry.js";
import { describeExit } from "../platform/launch-process.js";
import { describeMachine, describeRun } from "../platform/run-context.js";
import { shellCommand } from "../platform/shell-quote.js";
import { formatDurationMs } from "../report/format-number.js";
import { formatStressReport } from "../report/stress-report.js";
import { FAILING_VERDICTS } from "../results/stress-result.js";
import { serverOutputLines } from "../suites/server-output-lines.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../targets/server-command.js";
import { openTarget } from "../targets/target-session.js";
import { loadExpectationOf, type TargetChoice } from "../targets/target-spec.js";
import { CommandFailure, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import {
  addFramingModuleOptions,
  addFramingOptions,
  type FramingCliOptions,
  framingFromOptions,
  framingsFromOptions,
} from "./framing-options.js";
import { durationOption, parseIntegerInRange } from "./option-parsers.js";
import { quitOnStopSignals } from "./stop-signals.js";
import { addTargetOptions, type TargetCliOptions, targetChoiceFromOptions } from "./target-options.js";

interface StressCliOptions extends TargetCliOptions, FramingCliOptions {
  scenarios?: string[];
  baseline: number;
  attack: number;
  hostileConnections: number;
  hostileAddresses: number;
  timeout: number;
  json?: boolean;
}

/** Scenario names as the suite lists them; kept here so --help needs no suite loaded. */
const SCENARIO_NAMES = [
  "slowloris",
  "idle-flood",
  "non-reading",
  "oversized",
  "garbage",
  "reset-mid-frame",
  "churn",
  "app-input",
] as const;

function parseScenarios(text: string): string[] {
  const names = text.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !(SCENARIO_NAMES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `expected a comma-separated list of ${SCENARIO_NAMES.join(", ")}, got ${JSON.stringify(text)}`,
    );
  }
  return names;
}

export function registerStressCommand(program: Command): void {
  const command = program
    .command("stress")
    .description(
      "hostile peers (slowloris, floods, non-readers, oversized frames, garbage, resets, churn, app input) beside a legitimate client: is it kept served, does the server stay up",
    )
    .option(
      "--scenarios <list>",
      `comma-separated, from ${SCENARIO_NAMES.join(", ")} (default: all)`,
      parseScenarios,
    )
    .addOption(durationOption("--baseline <duration>", "the legitimate client alone, per scenario", 2000))
    .addOption(durationOption("--attack <duration>", "the attack, per scenario", 5000))
    .option(
      "--hostile-connections <count>",
      "hostile connections held at most (the built-in server's limit by default)",
      parseIntegerInRange(1, 20_000),
      1024,
    )
    .option(
      "--hostile-addresses <count>",
      "hostile source addresses, 127.0.0.2 and up",
      parseIntegerInRange(1, 250),
      3,
    )
    .addOption(
      durationOption("--timeout <duration>", "a legitimate request unanswered this long failed", 2000),
    )
    .option("--json", "print the result as JSON");
  addFramingModuleOptions(addFramingOptions(addTargetOptions(command)));
  command.action(async (options: StressCliOptions) => {
    quitOnStopSignals();
    if (options.attack <= 0) throw new CommandFailure("--attack must be above 0 ms");
    if (options.timeout <= 0) throw new CommandFailure("--timeout must be above 0 ms");
    if (options.attack < 2 * options.timeout) {
      // In the units the options take (a bare 1 is 1s), not the milliseconds they were parsed into.
      throw new CommandFailure(
        `--attack ${formatDurationMs(options.attack)} must be at least twice --timeout ${formatDurationMs(options.timeout)}: the verdict is judged on the attack's second half, which must outlast a request's timeout`,
      );
    }
    const targetChoice = targetChoiceFromOptions(options);
    const moduleGiven = [options.framingModule, options.replyFraming, options.replyFramingModule];
    if (targetChoice === undefined && moduleGiven.some((value) => value !== undefined)) {
      throw new CommandFailure(
        "--framing-module, --reply-framing and --reply-framing-module need your server (--target or --server): the reference server speaks the built-in framings, its replies framed as its requests",
      );
    }
    const choice = targetChoice ?? referenceServer(options);
    const expectation = await loadExpectationOf(choice.expect);
    const framings = await framingsFromOptions(options, (key) => command.getOptionValueSource(key) === "cli");
    const { runStress } = await import("../suites/stress/stress-suite.js");
    const session = await openTarget(choice.target);
    let result: Awaited<ReturnType<typeof runStress>>;
    try {
      result = await runStress({
        target: describeTarget(choice),
        ...framings,
        maxFrameBytes: options.maxFrame,
        app: expectation.name,
        requests: legitRequests(expectation),
        scenarios: options.scenarios ?? [...SCENARIO_NAMES],
        baselineMs: options.baseline,
        attackMs: options.attack,
        hostileConnections: options.hostileConnections,
        hostileAddressCount: options.hostileAddresses,
        requestTimeoutMs: options.timeout,
        withServer: (run) =>
          session.withCell(({ host, port, server }) => {
            if (!server) return run({ host, port });
            let exitedAtMs: number | undefined;
            void server.exited.then(() => {
              exitedAtMs = performance.now();
            });
            return run({
              host,
              port,
              pids: () => server.pids(),
              exitDescription: () => {
                const status = server.exitStatus();
                return status ? describeExit(status) : undefined;
              },
              exitedAtMs: () => exitedAtMs,
              lastOutput: (count) => {
                server.output.flush();
                return serverOutputLines(server, server.output.last(count));
              },
            });
          }),
        ...(options.json
          ? {}
          : {
              onScenario: (scenario) => process.stderr.write(`${scenario.scenario}: ${scenario.verdict}\n`),
            }),
      });
    } finally {
      await session.close();
    }
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ ...result, machine: describeMachine(), context: describeRun() }, null, 2)}\n`
        : `${formatStressReport(result)}\n`,
    );
    if (result.scenarios.some((scenario) => FAILING_VERDICTS.includes(scenario.verdict))) {
      process.exitCode = EXIT_ERRORS_FOUND;
    }
  });
}

/** No target named: the built-in concurrent server with stress's framing options, as a reference. */
function referenceServer(options: StressCliOptions): TargetChoice {
  const framingArguments = [
    ...framingCliWords(framingFromOptions(options).spec),
    "--max-frame",
    String(options.maxFrame),
  ];
  const serve = [
    process.execPath,
    builtModulePath(import.meta.url, "../cli.js"),
    "serve",
    "--port",
    "{port}",
  ];
  return {
    target: {
      kind: "command",
      command: shellCommand([...serve, "--variant", "concurrent", "--app", "echo", ...framingArguments]),
      host: "127.0.0.1",
      readyPattern: /^listening on /,
      readyTimeoutMs: DEFAULT_READY_TIMEOUT_MS,
      restart: "per-cell",
    },
    expect: { kind: "built-in", name: "echo" },
  };
}

function describeTarget(choice: TargetChoice): string {
  const { target } = choice;
  if (target.kind === "address") return `${target.host}:${target.port}`;
  return target.command;
}

/** The legitimate client's requests and verdicts, from the expectation check and load use. */
function legitRequests(expectation: Expectation) {
  return {
    request: (index: number) =>
      expectation.request?.(index, 32, 0) ?? Buffer.from(`legitimate request ${index}`),
    judge: (reply: Buffer, request: Buffer): string | undefined => {
      if (expectation.expectedReply) {
        const expected = expectation.expectedReply(request, 0);
        return reply.equals(expected)
          ? undefined
          : `wrong reply: ${JSON.stringify(reply.subarray(0, 40).toString())}, expected ${JSON.stringify(expected.subarray(0, 40).toString())}`;
      }
      return expectation.judge?.(reply, request, 0);
    },
  };
}
