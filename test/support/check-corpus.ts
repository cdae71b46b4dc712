// The check corpus (test/fixtures/check-corpus): servers written the way people write them. Each buggy one
// carries one bug class, `finds` says which part of `check` must catch it and `checkOptions` narrow its
// check to where the bug shows; the correct ones, socat's EXEC:cat among them, must pass the full default
// check. Commands take the port as their last argument.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProbeName } from "../../src/results/probe-name.js";
import type { TargetCheckResult } from "../../src/results/target-check-result.js";
import { runCli } from "./cli-process.js";
import { PYTHON } from "./student-servers.js";

export const CORPUS_FOLDER = fileURLToPath(new URL("../fixtures/check-corpus/", import.meta.url));

/** What catches a buggy server: a failing cell of the matrix (with its failure kind), or a probe. */
export type CorpusFinding = { cells: string } | { probe: ProbeName };

export interface CorpusServer {
  name: string;
  framing: "eof" | "length";
  /** The server's source in the corpus folder (C is compiled first); socat has none. */
  source?: string;
  /** Given to the server after its port. */
  arguments?: readonly string[];
  /** Absent for a correct server. */
  finds?: CorpusFinding;
  /**
   * A buggy server's check runs only where its bug shows (no shrinking: the finding is the proof), a
   * content bug at one size under every fragmentation, a client-handling bug by its probe after one cell
   * that passes. A correct server has none: it gets the full default check.
   */
  checkOptions?: readonly string[];
}

/** A content bug: every fragmentation of one size that carries what it trips over, no probes. */
const cellsAt = (sizes: string, ...more: string[]) => [
  "--sizes",
  sizes,
  "--no-probes",
  "--no-shrink",
  ...more,
];
/** A client-handling bug: one passing cell, then the one probe that must catch it. */
const probeAlone = (probe: ProbeName) => [
  "--sizes",
  "1",
  "--fragmentations",
  "none",
  "--no-shrink",
  "--probes",
  probe,
];

export const CORPUS: readonly CorpusServer[] = [
  {
    name: "strips its messages",
    framing: "eof",
    source: "buggy_strip.py",
    finds: { cells: "corrupted" },
    checkOptions: cellsAt("1023"),
  },
  {
    name: "decodes each recv() as UTF-8",
    framing: "eof",
    source: "buggy_utf8_chunks.py",
    finds: { cells: "corrupted" },
    checkOptions: cellsAt("1025"),
  },
  {
    name: "drops bytes above 0x7F",
    framing: "eof",
    source: "buggy_ascii_only.py",
    finds: { cells: "corrupted" },
    checkOptions: cellsAt("1023"),
  },
  {
    name: "turns CR LF into LF",
    framing: "eof",
    source: "buggy_crlf.py",
    finds: { cells: "corrupted" },
    checkOptions: cellsAt("1023"),
  },
  {
    name: "Node: each 'data' chunk as a string",
    framing: "eof",
    source: "buggy_node_string_chunks.mjs",
    finds: { cells: "corrupted" },
    checkOptions: cellsAt("1025"),
  },
  {
    name: "serves one client and exits",
    framing: "eof",
    source: "buggy_first_client_only.py",
    finds: { probe: "second-client" },
    checkOptions: probeAlone("second-client"),
  },
  {
    name: "dies when a client resets",
    framing: "eof",
    source: "buggy_dies_on_reset.py",
    finds: { probe: "reset-mid-request" },
    checkOptions: probeAlone("reset-mid-request"),
  },
  {
    name: "dies when a client resets mid-reply",
    framing: "eof",
    source: "buggy_dies_on_send_reset.py",
    finds: { probe: "reset-mid-reply" },
    checkOptions: probeAlone("reset-mid-reply"),
  },
  {
    name: "C: killed by SIGPIPE mid-reply",
    framing: "length",
    source: "buggy_length_sigpipe.c",
    finds: { probe: "reset-mid-reply" },
    checkOptions: probeAlone("reset-mid-reply"),
  },
  {
    // Its receive buffer holds less than one 64 KiB request: with such requests the probe let it pass.
    name: "C: killed by SIGPIPE mid-reply, a 16 KiB receive buffer",
    framing: "length",
    source: "buggy_length_sigpipe.c",
    arguments: ["16384"],
    finds: { probe: "reset-mid-reply" },
    checkOptions: probeAlone("reset-mid-reply"),
  },
  {
    name: "one receive buffer for every thread",
    framing: "eof",
    source: "buggy_shared_buffer.py",
    finds: { probe: "concurrent-clients" },
    checkOptions: probeAlone("concurrent-clients"),
  },
  {
    name: "looks for the token in the last chunk only",
    framing: "eof",
    source: "buggy_token_in_chunk.py",
    finds: { cells: "timeout" },
    checkOptions: cellsAt("1023", "--timeout", "1s"),
  },
  {
    name: "one recv() is one message",
    framing: "eof",
    source: "buggy_one_recv.py",
    finds: { cells: "merged" },
    checkOptions: cellsAt("1"),
  },
  {
    name: "gives an empty message no reply",
    framing: "eof",
    source: "buggy_skips_empty.py",
    finds: { cells: "timeout" },
    checkOptions: cellsAt("0", "--timeout", "1s"),
  },
  {
    name: "C: reads a payload with one recv()",
    framing: "length",
    source: "buggy_length_one_recv.c",
    finds: { cells: "reset" },
    checkOptions: cellsAt("64KiB"),
  },
  { name: "correct, one client at a time", framing: "eof", source: "correct_eof_echo.py" },
  { name: "correct, a thread per client", framing: "eof", source: "correct_threaded_echo.py" },
  { name: "correct, Node", framing: "eof", source: "correct_node_echo.mjs" },
  { name: "correct, C length prefix", framing: "length", source: "correct_length_echo.c" },
  { name: "socat TCP-LISTEN,fork EXEC:cat", framing: "eof" },
];

/** The command line of a corpus server for `check --server` (C sources are compiled into `buildFolder`). */
export function corpusCommand(server: CorpusServer, buildFolder: string): string {
  const source = server.source;
  if (source === undefined) return "socat TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork EXEC:cat";
  const path = join(CORPUS_FOLDER, source);
  const after = ["{port}", ...(server.arguments ?? [])].join(" ");
  if (source.endsWith(".py")) return `${PYTHON} -u ${path} ${after}`;
  if (source.endsWith(".mjs")) return `${process.execPath} ${path} ${after}`;
  const program = join(buildFolder, source.replace(/\.c$/, ""));
  execFileSync("cc", ["-O2", "-Wall", "-o", program, path]);
  return `${program} ${after}`;
}

export interface CorpusVerdict {
  server: CorpusServer;
  code: number | null;
  /** Absent when check printed no JSON (then `stderr` says why). */
  result?: TargetCheckResult;
  stderr: string;
}

/**
 * Checks in flight at once. Most of a check's time is spent waiting (a server's start, a buggy server's
 * timeouts), so four share a test file's share of two cores.
 */
const CHECKS_AT_ONCE = 4;

/** Runs `check --server` on each server, its `checkOptions` added, a few at a time, in the order given. */
export async function checkCorpus(
  servers: readonly CorpusServer[],
  buildFolder: string,
): Promise<CorpusVerdict[]> {
  const jobs = servers.map((server) => [server, corpusCommand(server, buildFolder)] as const);
  const verdicts: CorpusVerdict[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CHECKS_AT_ONCE }, async () => {
      for (let index = next++; index < jobs.length; index = next++) {
        const [server, command] = jobs[index] as (typeof jobs)[number];
        verdicts.push(await checkOne(server, command));
      }
    }),
  );
  return verdicts;
}

async function checkOne(server: CorpusServer, command: string): Promise<CorpusVerdict> {
  const args = ["check", "--server", command, "--framing", server.framing, ...(server.checkOptions ?? [])];
  const run = await runCli([...args, "--json"]);
  try {
    return {
      server,
      code: run.code,
      result: JSON.parse(run.stdout) as TargetCheckResult,
      stderr: run.stderr,
    };
  } catch {
    return { server, code: run.code, stderr: run.stderr };
  }
}
