// `check()` for programs and tests: the correctness matrix against the user's own server (every size
// under every fragmentation, through the fault proxy), with the command line's defaults; `sockbench
// check --target/--server` calls it with its options.

import { loadFramingModules } from "../clients/load/verification/framing-module.js";
import { PAYLOAD_CONTENTS, type PayloadContent } from "../clients/load/verification/payload-content.js";
import type { FramingChoice } from "../framing/framing.js";
import { framingOf, payloadSizeRefusal } from "../framing/registry.js";
import type { FaultOptions } from "../proxy/fault-options.js";
import type { FragmentationName } from "../results/fragmentation-name.js";
import { FRAGMENTATION_NAMES } from "../results/fragmentation-name.js";
import { PROBE_NAMES, type ProbeName } from "../results/probe-name.js";
import type { TargetCheckResult } from "../results/target-check-result.js";
import { DEFAULT_CONCURRENT_CLIENTS, DEFAULT_PAYLOAD } from "../suites/target-cell-plan.js";
import { runTargetCheck, type TargetCheckOptions } from "../suites/target-check.js";
import { TargetSetupError } from "../targets/target-error.js";
import {
  LIBRARY_OPTION_NAMES,
  resolveTargetChoice,
  type TargetOptionValues,
} from "../targets/target-spec.js";

/** The sizes a check of the user's server tries by default: the edges of a 1 KiB read, and 64 KiB. */
export const DEFAULT_TARGET_SIZES_BYTES: readonly number[] = [0, 1, 1023, 1024, 1025, 64 * 1024];

/**
 * The server (`target` HOST and port already running, or `server` a command with `{port}`; `ready`,
 * `readyTimeoutMs`, `restart`, `expect`, `expectModule` as the command line's options, checked the same
 * way), then the framing and the matrix.
 */
export interface CheckServerOptions extends TargetOptionValues {
  /**
   * How the server cuts messages: a framing's name, or its name and options (default eof, token `<EOF>`),
   * or a framing module, `{ name: "module", path: "./framing.mjs" }` (docs/framing-module.md).
   */
  framing?: FramingChoice;
  /** How the server's replies are cut, when not as its requests are (a name, options or a module). */
  replyFraming?: FramingChoice;
  /** The server's largest message: a larger size it does not answer is refused, not failed. */
  maxFrameBytes?: number;
  connections?: number;
  seed?: number;
  timeoutMs?: number;
  /** Latency, jitter, bandwidth, reset-after on top of each cell's fragmentation. */
  faults?: FaultOptions;
  sizesBytes?: readonly number[];
  fragmentations?: readonly FragmentationName[];
  /** What generated echo payloads hold: mixed (default), binary, utf8 or text. */
  payload?: PayloadContent;
  /** Run the size x fragmentation matrix (default true); false runs only the probes. */
  matrix?: boolean;
  /** The probes to run after the matrix (default all: second-client, concurrent-clients, reset-mid-request, reset-mid-reply). */
  probes?: readonly ProbeName[];
  /** The server serves one client and exits (the lab's hello server): the probes are skipped. */
  singleClient?: boolean;
  /** Clients the concurrent probe runs side by side (default 4). */
  concurrentClients?: number;
  /** Look for the smallest failing case (default true). */
  shrink?: boolean;
  onCellStart?: TargetCheckOptions["onCellStart"];
  onCellEnd?: TargetCheckOptions["onCellEnd"];
  onProbeStart?: TargetCheckOptions["onProbeStart"];
  onProbeEnd?: TargetCheckOptions["onProbeEnd"];
  onShrinkStart?: TargetCheckOptions["onShrinkStart"];
}

/** Largest --clients: each is a connection of its own to the user's server. */
export const MAX_CONCURRENT_CLIENTS = 64;

/** Runs the matrix; resolves with every cell's verdict. Throws a TargetSetupError on bad options or a server that never became ready. */
export async function check(options: CheckServerOptions): Promise<TargetCheckResult> {
  const choice = resolveTargetChoice(options, LIBRARY_OPTION_NAMES);
  if (choice === undefined) {
    throw new TargetSetupError(
      "invalid-option",
      "check needs a server: give a target (HOST:PORT) or a server command",
    );
  }
  // A framing module is imported (and checked: a FramingModuleError) before any server starts.
  await loadFramingModules(options);
  let framing: ReturnType<typeof framingOf>;
  let replyFraming: ReturnType<typeof framingOf> | undefined;
  try {
    framing = framingOf(options.framing ?? "eof");
    replyFraming = options.replyFraming !== undefined ? framingOf(options.replyFraming) : undefined;
  } catch (error) {
    throw new TargetSetupError("invalid-option", (error as Error).message);
  }
  // The default sizes leave out those the framing cannot carry (64 KiB under a 2-byte length prefix);
  // a size asked for by name is refused instead.
  const sizesBytes =
    options.sizesBytes ??
    DEFAULT_TARGET_SIZES_BYTES.filter((size) => payloadSizeRefusal(framing, size) === undefined);
  for (const size of sizesBytes) {
    const refusal = payloadSizeRefusal(framing, size);
    if (refusal !== undefined) throw new TargetSetupError("invalid-option", refusal);
  }
  // The hello app answers text: its servers decode what they read, so by default they get valid UTF-8.
  const textApp = choice.expect.kind === "built-in" && choice.expect.name === "hello";
  const payload = options.payload ?? (textApp ? "utf8" : DEFAULT_PAYLOAD);
  if (!(PAYLOAD_CONTENTS as readonly string[]).includes(payload)) {
    throw new TargetSetupError(
      "invalid-option",
      `payload must be one of ${PAYLOAD_CONTENTS.join(", ")}, got ${JSON.stringify(payload)}`,
    );
  }
  const probes = options.probes ?? PROBE_NAMES;
  const unknownProbe = probes.find((name) => !(PROBE_NAMES as readonly string[]).includes(name));
  if (unknownProbe !== undefined) {
    throw new TargetSetupError(
      "invalid-option",
      `probes must be among ${PROBE_NAMES.join(", ")}, got ${JSON.stringify(unknownProbe)}`,
    );
  }
  const concurrentClients = options.concurrentClients ?? DEFAULT_CONCURRENT_CLIENTS;
  if (
    !Number.isSafeInteger(concurrentClients) ||
    concurrentClients < 2 ||
    concurrentClients > MAX_CONCURRENT_CLIENTS
  ) {
    throw new TargetSetupError(
      "invalid-option",
      `concurrent clients must be a whole number from 2 to ${MAX_CONCURRENT_CLIENTS}, got ${concurrentClients}`,
    );
  }
  const matrix = options.matrix ?? true;
  if (!matrix && probes.length === 0) {
    throw new TargetSetupError(
      "invalid-option",
      "nothing to check: the matrix is off and no probe is chosen",
    );
  }
  return runTargetCheck({
    choice,
    framing: framing.spec,
    ...(replyFraming !== undefined ? { replyFraming: replyFraming.spec } : {}),
    ...(options.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    connections: options.connections ?? 1,
    seed: options.seed ?? 1,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    faults: options.faults ?? {},
    payload,
    singleClient: options.singleClient ?? false,
    concurrentClients,
    sizesBytes: matrix ? sizesBytes : [],
    fragmentations: options.fragmentations ?? FRAGMENTATION_NAMES,
    probes,
    shrink: options.shrink ?? true,
    ...(options.onCellStart ? { onCellStart: options.onCellStart } : {}),
    ...(options.onCellEnd ? { onCellEnd: options.onCellEnd } : {}),
    ...(options.onProbeStart ? { onProbeStart: options.onProbeStart } : {}),
    ...(options.onProbeEnd ? { onProbeEnd: options.onProbeEnd } : {}),
    ...(options.onShrinkStart ? { onShrinkStart: options.onShrinkStart } : {}),
  });
}
