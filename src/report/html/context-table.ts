// The run context of each result file as an HTML table: what ran it (command line, sockbench version and
// commit), where (machine, Node) and when; older files without a field show "not recorded".

import type { ResultFile } from "../../results/result-file.js";
import type { MachineInfo, RunContext } from "../../results/run-context.js";
import { formatSizeBytes } from "../format-size.js";
import { escapeHtml } from "./escape-html.js";

interface ContextFields {
  version?: string;
  startedAt?: string;
  machine?: MachineInfo;
  context?: RunContext;
}

function describeRun(file: ResultFile): string {
  if (file.kind === "check") return `check, ${file.result.cells.length} cells`;
  if (file.kind === "target-check")
    return `check of ${file.result.target}, ${file.result.cells.length} cells`;
  if (file.kind === "stress") {
    return `stress ${file.result.target}, ${file.result.scenarios.length} scenarios`;
  }
  if (file.kind === "bench")
    return `bench, ${file.result.profile} profile, ${file.result.runs.length} scenarios`;
  const { config } = file.result;
  const load =
    config.amount !== undefined ? `${config.amount} messages` : `${(config.durationMs ?? 0) / 1000} s`;
  return `load ${config.target}, ${config.framing}, ${config.connections} connections x ${config.pipelining} pipelined, ${load}${config.rate !== undefined ? `, open loop at ${config.rate}/s` : ""}`;
}

export function contextTableHtml(file: ResultFile): string {
  const fields = file.result as ContextFields;
  const machine = fields.machine;
  const notRecorded = "not recorded";
  const rows: [string, string][] = [
    ["file", file.source],
    ["run", describeRun(file)],
    ["date", fields.startedAt ?? notRecorded],
    ["command line", fields.context?.commandLine ?? notRecorded],
    [
      "sockbench",
      `${fields.version ?? notRecorded}${fields.context?.gitCommit ? `, commit ${fields.context.gitCommit}` : ""}`,
    ],
    [
      "machine",
      machine
        ? `${machine.cpus} CPUs (${machine.cpuModel}), ${formatSizeBytes(machine.memory)} memory, ${machine.platform}`
        : notRecorded,
    ],
    ["Node", machine?.node ?? notRecorded],
  ];
  return `<table class="context">${rows
    .map(([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join("")}</table>`;
}
