// The report of `sockbench stress`: one row per scenario (verdict, the legitimate client's answered
// share, rate and p99 before and during the attack, the hostile connections, the server's peaks), then the
// reasons behind every verdict that is not "kept serving", with the server's last output lines when it
// went down. The HTML page (html/stress-html.ts) shows the same columns and headline.

import Table from "cli-table3";
import { framingWords } from "../results/framing-fields.js";
import type { LegitPhase, StressResult, StressScenarioResult } from "../results/stress-result.js";
import { escapeTerminalText } from "../results/terminal-text.js";
import { formatSizeBytes } from "./format-size.js";
import { serverOutputLineText } from "./target-check-report.js";

export const STRESS_COLUMNS = [
  "scenario",
  "verdict",
  "answered before",
  "answered during",
  "2nd half",
  "p99 before",
  "p99 during",
  "hostile opened",
  "closed by server",
  "peak RSS",
  "peak fds",
] as const;

function answeredText(legitPhase: LegitPhase | undefined): string {
  return legitPhase ? `${legitPhase.answered}/${legitPhase.requests}, ${legitPhase.answeredPerSec}/s` : "-";
}

function p99Text(legitPhase: LegitPhase | undefined): string {
  return legitPhase?.p99Us === undefined ? "-" : `${(legitPhase.p99Us / 1000).toFixed(1)} ms`;
}

/** One scenario's cells, in STRESS_COLUMNS order. */
export function stressRowCells(scenario: StressScenarioResult): string[] {
  return [
    scenario.scenario,
    scenario.verdict,
    answeredText(scenario.before),
    answeredText(scenario.during),
    answeredText(scenario.secondHalf),
    p99Text(scenario.before),
    p99Text(scenario.during),
    scenario.hostile ? String(scenario.hostile.opened) : "-",
    scenario.hostile ? String(scenario.hostile.closedByServer) : "-",
    scenario.peakRssBytes === undefined ? "-" : formatSizeBytes(scenario.peakRssBytes),
    scenario.peakOpenFds === undefined ? "-" : String(scenario.peakOpenFds),
  ];
}

/** What was run, in one sentence. */
export function stressHeadline(result: StressResult): string {
  return (
    `stress ${result.target}: ${framingWords(result)}, ${result.app} app; per scenario ${result.baselineMs} ms ` +
    `alone, then ${result.attackMs} ms beside up to ${result.hostileConnections} hostile connections from ` +
    `${result.hostileAddresses[0]}..${result.hostileAddresses.at(-1)}`
  );
}

export const SERVER_OUTPUT_HEADING = "the server's last output lines (seconds since it started):";

export function formatStressReport(result: StressResult): string {
  const table = new Table({
    head: [...STRESS_COLUMNS],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const scenario of result.scenarios) table.push(stressRowCells(scenario));
  const reasons = result.scenarios
    .filter((scenario) => scenario.reason !== undefined)
    .flatMap((scenario) => [
      `  ${scenario.scenario}: ${scenario.verdict}: ${escapeTerminalText(scenario.reason ?? "")}`,
      ...(scenario.serverOutput?.length
        ? [
            `    ${SERVER_OUTPUT_HEADING}`,
            ...scenario.serverOutput.map((line) => `      ${serverOutputLineText(line)}`),
          ]
        : []),
    ]);
  return [stressHeadline(result), table.toString(), ...(reasons.length > 0 ? ["", ...reasons] : [])].join(
    "\n",
  );
}
