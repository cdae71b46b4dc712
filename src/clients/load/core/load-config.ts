// What a load run is asked to do, its defaults, and the checks that turn a bad combination into a
// clear usage error before any socket is opened.

import { isIP } from "node:net";
import { EXPECT_NAMES, type ExpectName } from "../../../apps/expectation.js";
import { registerErrorClass, SockbenchError } from "../../../errors.js";
import type { Framing, FramingChoice, FramingSpec } from "../../../framing/framing.js";
import { framingFromSpec, framingNames, framingOf, payloadSizeRefusal } from "../../../framing/registry.js";
import type { Transport } from "../../../results/transport.js";
import { MAX_ECHO_CONNECTIONS, MAX_ECHO_PAYLOAD_BYTES } from "../verification/echo-payload.js";
import { PAYLOAD_CONTENTS, type PayloadContent } from "../verification/payload-content.js";
import { amountShare, type ConnectionSlice, type Shard, shardSlice, wholeSlice } from "./load-share.js";
import { transportOfTarget } from "./target-scheme.js";

/** What a reply must be: the built-in expectations (src/apps/expectation.ts); `none` accepts any reply. */
export const VERIFY_MODES = EXPECT_NAMES;
export type VerifyMode = ExpectName;

export const DEFAULT_CONNECTIONS = 10;
export const DEFAULT_PIPELINING = 1;
export const DEFAULT_SIZE_BYTES = 64;
export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_SEED = 1;
/** Connections opened per second at most: fast enough for 10,000 in a few seconds, slow enough not to overflow a listen backlog. */
export const DEFAULT_CONNECT_RATE = 2000;
/** --split: at most this many pieces per frame (more would only add timer turns, not new cuts). */
export const MAX_SPLIT_PIECES = 64;
/** Linux's largest process id (pid_max's ceiling). */
const MAX_PID = 4_194_304;

export interface LoadConfig {
  /**
   * tcp: `HOST:PORT`, `tcp://HOST:PORT`, `tls://HOST:PORT` or `unix:PATH`; http: `HOST:PORT` or
   * `http://HOST:PORT[/PATH]` (POSTs go to PATH, `/` without one); udp: `HOST:PORT` or `udp://HOST:PORT`.
   */
  target: string;
  /** The target's scheme's by default (`http://`, `udp://`), else tcp. */
  transport?: Transport;
  /**
   * tcp: how bytes become messages (required): a registered framing's name (`"eof"`), a name with its
   * options (`{ name: "eof", token: "\n" }`) or a Framing; http takes none (a POST body is one message).
   */
  framing?: FramingChoice | Framing;
  /**
   * tcp: how the server's replies are cut, when not as the requests are (an inline command in, a RESP
   * reply out); absent, the framing's. A framing module is `{ name: "module", path: "./resp.mjs" }`,
   * here and in `framing` (docs/framing-module.md).
   */
  replyFraming?: FramingChoice | Framing;
  /** Largest reply accepted (tcp: a frame, over the framing's own max frame; http: a response body). */
  maxFrameBytes?: number;
  connections?: number;
  /** Requests a connection may have written and not yet answered. */
  pipelining?: number;
  /** Payload sizes, picked per request in a seeded random order. Ignored when `message` is set. */
  sizesBytes?: number[];
  /** Every request carries exactly these bytes. */
  message?: Buffer;
  /** Measured phase length; the default when neither it nor `amount` is set. */
  durationMs?: number;
  /** Measured requests to send; the run ends when all are answered or have failed. */
  amount?: number;
  /** Load before the measured phase, left out of every figure. */
  warmupMs?: number;
  /** Open loop: requests per second, at fixed intended times spread over the connections. */
  rate?: number;
  /** Per request, from its write; also the connect timeout and the grace after the deadline. */
  timeoutMs?: number;
  verify?: VerifyMode;
  /** What generated echo payloads are made of (docs/wire-formats.md); default text. */
  payload?: PayloadContent;
  /**
   * An expect module (absolute path; docs/expect-module.md) that builds the requests and judges the
   * replies instead of `verify`. A path, not the module, so that every worker thread loads it itself.
   */
  expectModule?: string;
  /** worker_threads sharing the connections (and rate and amount); one merged result. */
  workers?: number;
  seed?: number;
  /** TLS: accept a certificate that does not verify. */
  insecure?: boolean;
  /** TLS: extra trusted certificate authority (PEM). */
  ca?: string | Buffer;
  /** Write each frame in this many nearly equal pieces, each a timer turn after the last (1: whole frames). */
  splitPieces?: number;
  /** Leave Nagle's algorithm on (no setNoDelay), so that the kernel may merge small writes. */
  nagle?: boolean;
  /** This run is one of several shards of the load (on other machines): it takes its exact share. */
  shard?: Shard;
  /** The wall-clock instant (ms since the epoch) the measured phase starts, the same for every shard. */
  startAtMs?: number;
  /** Open every connection from this local address (say 127.0.0.2, to tell shards apart on loopback). */
  localAddress?: string;
  /** Connections opened per second at most, before the load and on reconnection. */
  connectRate?: number;
  /**
   * The connections of the whole load this run opens (workers and shards take disjoint slices, so ids stay
   * unique and every share is cut from the whole); set by resolveLoadConfig from `shard`.
   */
  slice?: ConnectionSlice;
  /** A name for the run, kept in its result (compare and reports show it). */
  label?: string;
  /** The server's process id: its CPU time (with its descendants') is measured beside the driver's. */
  serverPid?: number;
  /** Stop the load once this many errors were counted (each worker its own), as k6's and autocannon's --bail. */
  bail?: number;
  /** Keep each connection's verified replies in the result (tcp and http), to show a starved one. */
  perConnection?: boolean;
}

/** What every transport keeps once resolved: defaults filled in, everything checked. */
interface ResolvedCommonConfig {
  target: string;
  connections: number;
  pipelining: number;
  /** With `message`, its one length. */
  sizesBytes: number[];
  message?: Buffer;
  /** Set unless `amount` is. */
  durationMs?: number;
  amount?: number;
  warmupMs: number;
  rate?: number;
  timeoutMs: number;
  verify: VerifyMode;
  payload: PayloadContent;
  expectModule?: string;
  workers: number;
  seed: number;
  maxFrameBytes?: number;
  label?: string;
  serverPid?: number;
  shard?: Shard;
  startAtMs?: number;
  localAddress?: string;
  connectRate: number;
  /** The connections of the whole load this process (or worker) opens. */
  slice: ConnectionSlice;
  bail?: number;
  perConnection: boolean;
}

/** A tcp run: a framing cuts the stream; TLS and the write-shaping options apply. */
export interface ResolvedTcpLoadConfig extends ResolvedCommonConfig {
  transport: "tcp";
  /** The framing as data, so that a worker thread builds it again (registry's framingFromSpec). */
  framing: FramingSpec;
  /** How replies are cut when not as requests are; absent, by `framing`. */
  replyFraming?: FramingSpec;
  insecure: boolean;
  ca?: string | Buffer;
  splitPieces: number;
  nagle: boolean;
}

/** An http run: each request a POST, each response body one reply; the HTTP lane writes the bytes. */
export interface ResolvedHttpLoadConfig extends ResolvedCommonConfig {
  transport: "http";
}

/** A udp run: each request one datagram, each reply one datagram matched by its echo header. */
export interface ResolvedUdpLoadConfig extends ResolvedCommonConfig {
  transport: "udp";
}

/** What resolveLoadConfig makes of a LoadConfig: one of the transports, told apart by `transport`. */
export type ResolvedLoadConfig = ResolvedTcpLoadConfig | ResolvedHttpLoadConfig | ResolvedUdpLoadConfig;

/** A config field named in a message: the library words it as the field, the CLI as its flag. */
export interface ConfigField {
  field: keyof LoadConfig;
}

/** A message as text and the fields it names, in order. */
export type ConfigWording = readonly (string | ConfigField)[];

/**
 * A load asked for something it cannot do; the message names what, by its config field (`splitPieces`),
 * and what is allowed. `options` lists the fields it names; `wordedWith` words them otherwise (the CLI
 * passes its flags, `--split`).
 */
export class LoadConfigError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_LOAD_CONFIG";

  readonly options: string[];
  readonly wording: ConfigWording;

  /** A plain string names no field. */
  constructor(wording: ConfigWording | string) {
    const parts = typeof wording === "string" ? [wording] : wording;
    super(wordWith(parts, (field) => field));
    this.wording = parts;
    this.options = parts.flatMap((part) => (typeof part === "string" ? [] : [part.field]));
  }

  /** The message with each field named by `nameOf`. */
  wordedWith(nameOf: (field: string) => string): string {
    return wordWith(this.wording, nameOf);
  }
}
registerErrorClass(LoadConfigError);

function wordWith(wording: ConfigWording, nameOf: (field: string) => string): string {
  return wording.map((part) => (typeof part === "string" ? part : nameOf(part.field))).join("");
}

/** A LoadConfigError from a template: ``configError`${field("splitPieces")} must be ...` ``. */
export function configError(strings: TemplateStringsArray, ...values: unknown[]): LoadConfigError {
  const wording: (string | ConfigField)[] = [];
  strings.forEach((text, index) => {
    wording.push(text);
    if (index >= values.length) return;
    const value = values[index];
    wording.push(isField(value) ? value : String(value));
  });
  return new LoadConfigError(wording.filter((part) => part !== ""));
}

function isField(value: unknown): value is ConfigField {
  return typeof value === "object" && value !== null && "field" in value;
}

/** A config field, for configError. */
export function field(name: keyof LoadConfig): ConfigField {
  return { field: name };
}

function requireInteger(name: keyof LoadConfig, value: number, minimum: number, maximum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw configError`${field(name)} must be a whole number from ${minimum} to ${maximum}, got ${value}`;
  }
}

/** The tcp-only options, refused over http and udp with a message that says why. */
function checkUnframedOptions(config: LoadConfig, transport: "http" | "udp"): void {
  const http = transport === "http";
  if (config.replyFraming !== undefined) {
    throw configError`${field("replyFraming")} applies to ${field("transport")} tcp: over ${transport} each ${http ? "response body" : "datagram"} is one reply`;
  }
  if (config.framing !== undefined) {
    throw new LoadConfigError(
      `--framing, --token and --record-size apply to --transport tcp: over ${transport} ${http ? "each POST body is one message (--max-frame still limits a response body)" : "each datagram is one message"}`,
    );
  }
  if (config.insecure || config.ca !== undefined) {
    throw configError`${field("insecure")} and ${field("ca")} apply to tls:// targets: ${field("transport")} ${transport} ${http ? "speaks plain HTTP/1.1" : "sends plain datagrams"}`;
  }
  const verify = config.verify ?? "echo";
  if ((verify !== "echo" && verify !== "none") || config.expectModule !== undefined) {
    throw configError`${field("verify")} ${config.expectModule !== undefined ? "with an expect module" : verify} applies to ${field("transport")} tcp: over ${transport} a reply is checked as an echo of its ${http ? "POST body" : "datagram"} or not at all`;
  }
  if (!http && config.localAddress !== undefined) {
    throw configError`${field("localAddress")} applies to ${field("transport")} tcp and http: a udp lane sends from the address the kernel picks`;
  }
  if ((config.splitPieces ?? 1) > 1 || config.nagle) {
    throw configError`${field("splitPieces")} and ${field("nagle")} apply to ${field("transport")} tcp: ${http ? "each request is written whole, head and body" : "a datagram leaves whole or not at all"}`;
  }
}

/** The transport's own half of the resolved config. */
function resolveTransport(config: LoadConfig, common: ResolvedCommonConfig): ResolvedLoadConfig {
  const transport = config.transport ?? transportOfTarget(config.target) ?? "tcp";
  if (transport === "http" || transport === "udp") {
    checkUnframedOptions(config, transport);
    return { ...common, transport };
  }
  if (transport !== "tcp") {
    throw configError`${field("transport")} must be tcp, http or udp, got ${JSON.stringify(transport)}`;
  }
  if (config.framing === undefined) {
    throw configError`${field("transport")} tcp needs a framing: ${framingNames().join(", ")}`;
  }
  // Built here so that a bad framing option is refused (a FramingError) before any socket is opened.
  return {
    ...common,
    transport,
    framing: framingOf(config.framing, config.maxFrameBytes).spec,
    ...(config.replyFraming !== undefined
      ? { replyFraming: framingOf(config.replyFraming, config.maxFrameBytes).spec }
      : {}),
    insecure: config.insecure ?? false,
    ...(config.ca !== undefined ? { ca: config.ca } : {}),
    splitPieces: config.splitPieces ?? 1,
    nagle: config.nagle ?? false,
  };
}

/** Optional fields copied only when set, so that a resolved config holds no `undefined` values. */
function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function resolveLoadConfig(config: LoadConfig): ResolvedLoadConfig {
  if (config.durationMs !== undefined && config.amount !== undefined) {
    throw configError`give either ${field("durationMs")} or ${field("amount")}, not both`;
  }
  if (config.expectModule !== undefined && config.verify !== undefined) {
    throw configError`give either ${field("verify")} or ${field("expectModule")}, not both: the module judges the replies`;
  }
  if (config.verify !== undefined && !(VERIFY_MODES as readonly string[]).includes(config.verify)) {
    throw configError`${field("verify")} must be one of ${VERIFY_MODES.join(", ")}, got ${JSON.stringify(config.verify)}`;
  }
  if (config.payload !== undefined && !(PAYLOAD_CONTENTS as readonly string[]).includes(config.payload)) {
    throw configError`${field("payload")} must be one of ${PAYLOAD_CONTENTS.join(", ")}, got ${JSON.stringify(config.payload)}`;
  }
  const common: ResolvedCommonConfig = {
    target: config.target,
    connections: config.connections ?? DEFAULT_CONNECTIONS,
    pipelining: config.pipelining ?? DEFAULT_PIPELINING,
    sizesBytes:
      config.message !== undefined ? [config.message.length] : (config.sizesBytes ?? [DEFAULT_SIZE_BYTES]),
    warmupMs: config.warmupMs ?? 0,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    verify: config.verify ?? "echo",
    payload: config.payload ?? "text",
    workers: config.workers ?? 1,
    seed: config.seed ?? DEFAULT_SEED,
    connectRate: config.connectRate ?? DEFAULT_CONNECT_RATE,
    slice: wholeSlice(0),
    perConnection: config.perConnection ?? false,
    ...definedOnly({
      message: config.message,
      durationMs: config.amount === undefined ? (config.durationMs ?? DEFAULT_DURATION_MS) : undefined,
      amount: config.amount,
      rate: config.rate,
      expectModule: config.expectModule,
      maxFrameBytes: config.maxFrameBytes,
      label: config.label,
      serverPid: config.serverPid,
      shard: config.shard,
      startAtMs: config.startAtMs,
      localAddress: config.localAddress,
      bail: config.bail,
    }),
  };
  const resolved = resolveTransport(config, common);
  requireInteger("connections", resolved.connections, 1, MAX_ECHO_CONNECTIONS - 1);
  requireInteger("pipelining", resolved.pipelining, 1, 1_000_000);
  requireInteger("workers", resolved.workers, 1, 256);
  requireInteger("timeoutMs", resolved.timeoutMs, 1, 3_600_000);
  requireInteger("warmupMs", resolved.warmupMs, 0, 3_600_000);
  if (resolved.transport === "tcp") requireInteger("splitPieces", resolved.splitPieces, 1, MAX_SPLIT_PIECES);
  if (!(resolved.connectRate > 0 && resolved.connectRate <= 1_000_000)) {
    throw configError`${field("connectRate")} must be above 0 and at most 1000000 connections per second, got ${resolved.connectRate}`;
  }
  if (resolved.localAddress !== undefined && isIP(resolved.localAddress) === 0) {
    throw configError`${field("localAddress")} must be an IP address such as 127.0.0.2, got ${JSON.stringify(resolved.localAddress)}`;
  }
  if (resolved.startAtMs !== undefined && !Number.isFinite(resolved.startAtMs)) {
    throw configError`${field("startAtMs")} must be an instant, got ${resolved.startAtMs}`;
  }
  if (resolved.durationMs !== undefined) requireInteger("durationMs", resolved.durationMs, 1, 86_400_000);
  if (resolved.amount !== undefined) requireInteger("amount", resolved.amount, 1, Number.MAX_SAFE_INTEGER);
  if (resolved.serverPid !== undefined) requireInteger("serverPid", resolved.serverPid, 1, MAX_PID);
  if (resolved.bail !== undefined) requireInteger("bail", resolved.bail, 1, Number.MAX_SAFE_INTEGER);
  if (resolved.perConnection && resolved.transport === "udp") {
    throw configError`${field("perConnection")} applies to ${field("transport")} tcp and http: a udp lane's replies are matched by the datagram, not counted by lane`;
  }
  resolved.slice = config.slice ?? processSliceOf(resolved);
  if (resolved.workers > resolved.slice.count) {
    throw configError`${field("workers")} (${resolved.workers}) must not exceed ${field("connections")} (${resolved.slice.count}${resolved.shard ? " in this shard" : ""}): each worker needs one`;
  }
  checkAmountShare(resolved, resolved.slice, config.shard !== undefined ? "shard" : "worker");
  if (resolved.rate !== undefined && !(resolved.rate > 0 && resolved.rate <= 10_000_000)) {
    throw configError`${field("rate")} must be above 0 and at most 10000000 requests per second, got ${resolved.rate}`;
  }
  if (resolved.sizesBytes.length === 0) throw configError`give at least one size in ${field("sizesBytes")}`;
  for (const size of resolved.sizesBytes) requireInteger("sizesBytes", size, 0, MAX_ECHO_PAYLOAD_BYTES);
  if (resolved.transport === "tcp") {
    const framing = framingFromSpec(resolved.framing);
    for (const size of resolved.sizesBytes) {
      const refusal = payloadSizeRefusal(framing, size);
      if (refusal !== undefined) throw new LoadConfigError(refusal);
    }
  }
  return resolved;
}

/** The connections this process opens: its shard's, or the whole load's (its workers share them out). */
export function processSliceOf(config: ResolvedLoadConfig): ConnectionSlice {
  if (config.shard === undefined) return wholeSlice(config.connections);
  try {
    return shardSlice(config.connections, config.shard);
  } catch (error) {
    throw new LoadConfigError((error as Error).message);
  }
}

/**
 * A closed loop with an amount gives each part (shard or worker) the amount's share cut at its
 * connections; a part that would get none is refused (an amount of at least the connections gives each some).
 */
export function checkAmountShare(config: ResolvedLoadConfig, slice: ConnectionSlice, part: string): void {
  if (config.amount === undefined || config.rate !== undefined) return;
  if (amountShare(config.amount, slice) === 0) {
    throw configError`${field("amount")} ${config.amount} leaves the ${part} with connections ${slice.first}-${slice.first + slice.count - 1} of ${slice.total} none: give an amount of at least ${slice.total} (the connections)`;
  }
}

/** How a run's connections are opened, whatever the transport: pace, source address, and how many. */
export function connectionOptionsOf(config: ResolvedLoadConfig): {
  connectRate: number;
  connectionsNeeded: number;
  localAddress?: string;
} {
  return {
    connectRate: config.connectRate,
    connectionsNeeded: processSliceOf(config).count,
    ...(config.localAddress !== undefined ? { localAddress: config.localAddress } : {}),
  };
}
