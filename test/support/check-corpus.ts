// The check corpus (test/fixtures/check-corpus): servers written the way people write them. Each buggy one
// carries one bug class, and `finds` says which part of a default `check` must catch it; the correct ones,
// socat's EXEC:cat among them, must pass. Commands take the port as their last argument.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ProbeName } from "../../src/results/probe-name.js";
import { PYTHON } from "./student-servers.js";

export const CORPUS_FOLDER = fileURLToPath(new URL("../fixtures/check-corpus/", import.meta.url));

/** What catches a buggy server: a failing cell of the matrix (with its failure kind), or a probe. */
export type CorpusFinding = { cells: string } | { probe: ProbeName };

export interface CorpusServer {
  name: string;
  framing: "eof" | "length";
  /** The server's source in the corpus folder (C is compiled first); socat has none. */
  source?: string;
  /** Absent for a correct server. */
  finds?: CorpusFinding;
}

export const CORPUS: readonly CorpusServer[] = [
  { name: "strips its messages", framing: "eof", source: "buggy_strip.py", finds: { cells: "corrupted" } },
  {
    name: "decodes each recv() as UTF-8",
    framing: "eof",
    source: "buggy_utf8_chunks.py",
    finds: { cells: "corrupted" },
  },
  {
    name: "drops bytes above 0x7F",
    framing: "eof",
    source: "buggy_ascii_only.py",
    finds: { cells: "corrupted" },
  },
  { name: "turns CR LF into LF", framing: "eof", source: "buggy_crlf.py", finds: { cells: "corrupted" } },
  {
    name: "Node: each 'data' chunk as a string",
    framing: "eof",
    source: "buggy_node_string_chunks.mjs",
    finds: { cells: "corrupted" },
  },
  {
    name: "serves one client and exits",
    framing: "eof",
    source: "buggy_first_client_only.py",
    finds: { probe: "second-client" },
  },
  {
    name: "dies when a client resets",
    framing: "eof",
    source: "buggy_dies_on_reset.py",
    finds: { probe: "reset-mid-request" },
  },
  {
    name: "dies when a client resets mid-reply",
    framing: "eof",
    source: "buggy_dies_on_send_reset.py",
    finds: { probe: "reset-mid-reply" },
  },
  {
    name: "C: killed by SIGPIPE mid-reply",
    framing: "length",
    source: "buggy_length_sigpipe.c",
    finds: { probe: "reset-mid-reply" },
  },
  {
    name: "one receive buffer for every thread",
    framing: "eof",
    source: "buggy_shared_buffer.py",
    finds: { probe: "concurrent-clients" },
  },
  {
    name: "looks for the token in the last chunk only",
    framing: "eof",
    source: "buggy_token_in_chunk.py",
    finds: { cells: "timeout" },
  },
  {
    name: "one recv() is one message",
    framing: "eof",
    source: "buggy_one_recv.py",
    finds: { cells: "merged" },
  },
  {
    name: "gives an empty message no reply",
    framing: "eof",
    source: "buggy_skips_empty.py",
    finds: { cells: "timeout" },
  },
  {
    name: "C: reads a payload with one recv()",
    framing: "length",
    source: "buggy_length_one_recv.c",
    finds: { cells: "reset" },
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
  if (source.endsWith(".py")) return `${PYTHON} -u ${path} {port}`;
  if (source.endsWith(".mjs")) return `${process.execPath} ${path} {port}`;
  const program = join(buildFolder, source.replace(/\.c$/, ""));
  execFileSync("cc", ["-O2", "-Wall", "-o", program, path]);
  return `${program} {port}`;
}
