// `sockbench k8s-job --shards N --image IMAGE -- LOAD OPTIONS`: prints the Kubernetes Indexed Job that
// runs the load as N shards from N pods, after checking the load options as `sockbench load` would.

import { Command, CommanderError } from "commander";
import { LoadConfigError, resolveLoadConfig } from "../clients/load/core/load-config.js";
import { MAX_SHARDS } from "../clients/load/core/load-share.js";
import { FramingModuleError, loadFramingModules } from "../clients/load/verification/framing-module.js";
import { CommandFailure, EXIT_USAGE } from "./exit-codes.js";
import { indexedJobManifest } from "./k8s-job-manifest.js";
import { chooseTarget, defineLoadCommand, type LoadCliOptions, loadConfigOf } from "./load-command.js";
import { loadConfigErrorText } from "./load-config-flags.js";
import { parseIntegerInRange, parseStartAt } from "./option-parsers.js";

/** Options the Job sets on every pod itself. */
const SET_BY_JOB = ["shard", "startAt", "json", "out"] as const;

/** Parses and checks the load options for every shard, as each pod's `sockbench load` will. */
async function checkLoadArgs(loadArgs: string[], shards: number): Promise<void> {
  let errorOutput = "";
  const load = defineLoadCommand(new Command("load"))
    .exitOverride()
    .configureOutput({ writeErr: (text) => (errorOutput += text), writeOut: () => {} });
  let parsed: LoadCliOptions | undefined;
  let positionalTarget: string | undefined;
  load.action((target: string | undefined, options: LoadCliOptions) => {
    positionalTarget = target;
    parsed = options;
  });
  try {
    load.parse(loadArgs, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      throw new CommandFailure(`load options: ${errorOutput.trim() || error.message}`, EXIT_USAGE);
    }
    throw error;
  }
  if (parsed === undefined) throw new CommandFailure("load options: nothing to run", EXIT_USAGE);
  const given = SET_BY_JOB.filter((name) => load.getOptionValueSource(name) === "cli");
  if (given.length > 0) {
    throw new CommandFailure(
      `load options: the Job sets --shard, --start-at and the output (--json, --out) itself; leave out ${given.map((name) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`).join(", ")}`,
      EXIT_USAGE,
    );
  }
  const config = loadConfigOf(chooseTarget(positionalTarget, parsed.target), parsed, load);
  // Loaded on use, as the load command does: undici would slow every other command's start.
  const { TargetError, targetForTransport } = await import("../clients/load/core/target.js");
  try {
    targetForTransport(config.target, config.transport ?? "tcp");
    // Each pod imports a framing module by the same path: it is checked here as the pods will.
    await loadFramingModules(config);
    for (let index = 0; index < shards; index++)
      resolveLoadConfig({ ...config, shard: { index, count: shards } });
  } catch (error) {
    if (error instanceof LoadConfigError) {
      throw new CommandFailure(`load options: ${loadConfigErrorText(error)}`, EXIT_USAGE);
    }
    if (error instanceof FramingModuleError) {
      throw new CommandFailure(`load options: ${error.message}`, EXIT_USAGE);
    }
    if (error instanceof TargetError) throw new CommandFailure(`load options: ${error.message}`, EXIT_USAGE);
    throw error;
  }
}

interface K8sJobCliOptions {
  shards: number;
  image: string;
  name: string;
  namespace?: string;
  startAt: number;
  resultsClaim?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function registerK8sJobCommand(program: Command): void {
  program
    .command("k8s-job")
    .description(
      "print a Kubernetes Indexed Job (JSON, for kubectl apply -f -) that runs one load as N shards, one per pod",
    )
    .argument("<load-options...>", "after --: the options of `sockbench load` (--target, --framing, ...)")
    .requiredOption("--shards <count>", "pods, each running one shard", parseIntegerInRange(1, MAX_SHARDS))
    .requiredOption("--image <image>", "a container image with `sockbench` on its PATH")
    .option("--name <name>", "the Job's name", "sockbench-load")
    .option("--namespace <namespace>", "the Job's namespace (kubectl's current one when absent)")
    .option(
      "--start-at <time>",
      "when every shard's measured phase starts (2026-12-01T10:30:00Z, or +DURATION from now); pods must be running by then",
      (text: string) => parseStartAt(text),
    )
    .option(
      "--results-claim <pvc>",
      "write each shard's result to this PersistentVolumeClaim (ReadWriteMany) instead of the pod's log",
    )
    .action(async (loadArgs: string[], options: K8sJobCliOptions) => {
      for (const [what, value] of [
        ["--name", options.name],
        ["--namespace", options.namespace],
      ] as const) {
        if (value !== undefined && !NAME.test(value)) {
          throw new CommandFailure(
            `${what} must be a DNS label (lower-case letters, digits and -, at most 63), got ${JSON.stringify(value)}`,
            EXIT_USAGE,
          );
        }
      }
      await checkLoadArgs(loadArgs, options.shards);
      const manifest = indexedJobManifest({
        name: options.name,
        ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
        image: options.image,
        shards: options.shards,
        loadArgs,
        startAtMs: options.startAt ?? parseStartAt(DEFAULT_START_IN),
        ...(options.resultsClaim !== undefined ? { resultsClaim: options.resultsClaim } : {}),
      });
      process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    });
}

/** Time enough to apply the manifest, pull the image and start the pods. */
const DEFAULT_START_IN = "+2m";
