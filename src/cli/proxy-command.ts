// `sockbench proxy`: runs the fault-injecting proxy until SIGINT or SIGTERM.

import { type Command, Option } from "commander";
import { formatHostPort } from "../host-port.js";
import { describeFaults } from "../proxy/describe-faults.js";
import { PROXY_DIRECTIONS, type ProxyDirection } from "../proxy/fault-options.js";
import {
  DEFAULT_PROXY_HOST,
  DEFAULT_PROXY_IDLE_TIMEOUT_MS,
  DEFAULT_PROXY_MAX_CONNECTIONS,
  DEFAULT_PROXY_PORT,
  startProxy,
} from "../proxy/start-proxy.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "../servers/server-options.js";
import { explainAddressInUse } from "./address-in-use.js";
import { type FaultCliOptions, faultsFromOptions } from "./fault-cli-options.js";
import {
  durationOption,
  type HostPort,
  parseHostPort,
  parseIntegerInRange,
  parseSizeBytes,
} from "./option-parsers.js";
import { aborted, withStopSignals } from "./stop-signals.js";

interface ProxyCliOptions extends FaultCliOptions {
  listen: HostPort;
  target: HostPort;
  direction: ProxyDirection;
  seed?: number;
  showSeed?: boolean;
  idleTimeout: number;
  maxConnections: number;
}

/** On Ctrl-C, proxied connections relay this long at most, so that replies in flight arrive. */
const SHUTDOWN_GRACE_MS = 1000;

export function registerProxyCommand(program: Command): void {
  program
    .command("proxy")
    .description("relay TCP connections to a target, injecting faults; bytes and their order are kept")
    .addOption(
      new Option("--listen <host:port>", "address to listen on; port 0 picks a free one")
        .argParser(parseHostPort)
        .default(
          { host: DEFAULT_PROXY_HOST, port: DEFAULT_PROXY_PORT },
          `${DEFAULT_PROXY_HOST}:${DEFAULT_PROXY_PORT}`,
        ),
    )
    .addOption(
      new Option("--target <host:port>", "address to relay to")
        .argParser(parseHostPort)
        .default({ host: DEFAULT_HOST, port: DEFAULT_PORT }, `${DEFAULT_HOST}:${DEFAULT_PORT}`),
    )
    .addOption(
      new Option("--direction <which>", "faults apply up (to the target), down (to the client) or both")
        .choices(PROXY_DIRECTIONS)
        .default("both"),
    )
    .option("--slice-avg <size>", "re-cut the stream into pieces of about this size", parseSizeBytes)
    .option("--slice-variation <size>", "pieces vary by up to this much (below --slice-avg)", parseSizeBytes)
    .addOption(durationOption("--slice-delay <duration>", "wait this long between pieces"))
    .addOption(
      durationOption("--coalesce <duration>", "hold bytes up to this long and deliver them as one write"),
    )
    .addOption(
      durationOption("--latency <duration>", "delay every chunk by this long (a bare number is seconds)"),
    )
    .addOption(
      durationOption("--jitter <duration>", "vary the latency by up to this much either way (order is kept)"),
    )
    .option("--bandwidth <bytes-per-s>", "deliver at most this many bytes per second", parseSizeBytes)
    .option("--reset-after <size>", "reset the connection once this many bytes have passed", parseSizeBytes)
    .option("--seed <n>", "seed for the random choices, to repeat a run", parseIntegerInRange(0, 2 ** 32 - 1))
    .option("--show-seed", "print the seed in use on stderr")
    .addOption(
      durationOption(
        "--idle-timeout <duration>",
        "reset a connection silent both ways this long (0: never)",
        DEFAULT_PROXY_IDLE_TIMEOUT_MS,
      ),
    )
    .option(
      "--max-connections <count>",
      "clients relayed at once; more are closed at accept",
      parseIntegerInRange(1, 1_000_000),
      DEFAULT_PROXY_MAX_CONNECTIONS,
    )
    .action(async (options: ProxyCliOptions) => {
      const faults = faultsFromOptions(options);
      const proxy = await startProxy({
        listenHost: options.listen.host,
        listenPort: options.listen.port,
        targetHost: options.target.host,
        targetPort: options.target.port,
        faults,
        direction: options.direction,
        seed: options.seed,
        idleTimeoutMs: options.idleTimeout,
        maxConnections: options.maxConnections,
        log: (line) => process.stderr.write(`${line}\n`),
      }).catch(explainAddressInUse(options.listen, "--listen HOST:PORT"));
      if (options.showSeed) process.stderr.write(`seed ${proxy.seed}\n`);
      // The stop handlers are in place before "listening on" is printed: whoever reads it may signal at once.
      await withStopSignals("closing the listener; replies in flight still go out", async (signal) => {
        process.stdout.write(
          `listening on ${formatHostPort(proxy.host, proxy.port)}\nrelaying to ${formatHostPort(options.target.host, options.target.port)}: ${describeFaults(faults, options.direction)}\n`,
        );
        await aborted(signal);
        await proxy.close(SHUTDOWN_GRACE_MS);
      });
    });
}
