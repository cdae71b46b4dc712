// The charts of an HTML report, as data: per group (a bench size, or all load runs) the latency
// percentile distribution with one line per scenario, and messages/s and p99 second by second.
// Colours say the framing, dashes the server variant; with several files, all but the last are faded.

import { decodeHistogram } from "../../results/latency-histogram.js";
import { curveInverseTails, latencyCurve } from "../../results/latency-percentiles.js";
import { countedReplies } from "../../results/load-result.js";
import type { ScenarioRow } from "../scenario-rows.js";
import { unique } from "../unique.js";
import type { ChartSeriesSpec, ChartSpec } from "./page-data.js";

const FRAMING_COLORS: Record<string, string> = {
  eof: "#1f77b4",
  length: "#2ca02c",
  fixed: "#ff7f0e",
  naive: "#d62728",
  http: "#9467bd",
};
/** For series told apart by something other than their framing. */
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const VARIANT_DASHES: Record<string, number[]> = { concurrent: [], cluster: [10, 4], sequential: [2, 3] };
/** Hex alpha of a faded (earlier) file's lines. */
const FADED_ALPHA = "80";
/** How much thicker the line of a user's own server is drawn than a built-in server's. */
const OWN_SERVER_WIDTH_FACTOR = 2;
/**
 * Whole seconds a group's longest scenario must last to get per-second charts: with one second each
 * line is a single dot (the quick profile's 500 ms rounds), which charts nothing.
 */
export const MIN_CHARTED_SECONDS = 2;
/** A log axis cannot show 0: a latency below 1 µs is drawn at 1 µs. */
const MIN_LATENCY_MS = 0.001;

/** The groups in order of first appearance, each with its rows. */
function byGroup(rows: ScenarioRow[]): [string, ScenarioRow[]][] {
  return unique(rows.map((row) => row.group)).map((group) => [
    group,
    rows.filter((row) => row.group === group),
  ]);
}

function seriesStyles(
  rows: ScenarioRow[],
  regressed: ReadonlySet<string>,
): Omit<ChartSeriesSpec, "values">[] {
  const byFraming = unique(rows.map((row) => row.framing)).length > 1;
  const byVariant = unique(rows.map((row) => row.variant)).length > 1;
  const sources = unique(rows.map((row) => row.source));
  const lastSource = sources[sources.length - 1];
  return rows.map((row, index) => {
    const base = byFraming
      ? (FRAMING_COLORS[row.framing] ?? PALETTE[index % PALETTE.length])
      : PALETTE[index % PALETTE.length];
    const faded = sources.length > 1 && row.source !== lastSource;
    const named = row.ownServer ? `${row.label} (your server)` : row.label;
    const label = sources.length > 1 ? `${row.source}: ${named}` : named;
    return {
      // In a comparison, the new run's line of a regressed scenario says so in the legend.
      label: row.source === lastSource && regressed.has(row.key) ? `${label} ✗ regressed` : label,
      color: `${base}${faded ? FADED_ALPHA : ""}`,
      dash: byVariant ? (VARIANT_DASHES[row.variant] ?? []) : [],
      // The user's own server is what they came for: its line stands out among the built-in ones.
      width: (faded ? 1.5 : 2) * (row.ownServer ? OWN_SERVER_WIDTH_FACTOR : 1),
    };
  });
}

/**
 * A last second measured this nearly whole counts as whole: a busy machine ends a 2 s run's window a few
 * milliseconds short, and its second second is then no less a sample than the first.
 */
export const WHOLE_SECOND_SLACK_S = 0.05;

/** The seconds a per-second chart shows: whole seconds of the measured phase (a partial last one is left out). */
function wholeSeconds(row: ScenarioRow): number {
  return Math.max(1, Math.floor(row.result.durationS + WHOLE_SECOND_SLACK_S));
}

function chartId(kind: string, groupIndex: number): string {
  return `chart-${kind}-${groupIndex}`;
}

/** `regressed`: the keys of the scenarios a comparison found regressed (their new lines are labelled so). */
export function buildChartSpecs(
  rows: ScenarioRow[],
  regressed: ReadonlySet<string> = new Set(),
): ChartSpec[] {
  const charts: ChartSpec[] = [];
  byGroup(rows).forEach(([group, members], groupIndex) => {
    const styles = seriesStyles(members, regressed);
    const inverseTails = curveInverseTails();
    charts.push({
      id: chartId("latency", groupIndex),
      title: `Latency by percentile: ${group}`,
      xKind: "percentile",
      yLabel: "latency (ms)",
      logY: true,
      x: inverseTails,
      series: members.map((row, index) => {
        const style = styles[index] as Omit<ChartSeriesSpec, "values">;
        // Without a verified reply there is no latency to draw (naive's broken cells): a gap, said in the legend.
        if (countedReplies(row.result) === 0) {
          return {
            ...style,
            label: `${style.label} (no verified reply)`,
            values: inverseTails.map(() => null),
          };
        }
        return {
          ...style,
          values: latencyCurve(decodeHistogram(row.result.histogram)).map((latencyUs) =>
            Math.max(MIN_LATENCY_MS, latencyUs / 1000),
          ),
        };
      }),
    });
    const seconds = Math.max(...members.map(wholeSeconds));
    if (seconds < MIN_CHARTED_SECONDS) return;
    const x = Array.from({ length: seconds }, (_, index) => index + 1);
    const perSecond = (row: ScenarioRow, value: (second: number) => number | undefined) =>
      x.map((_, second) => (second < wholeSeconds(row) ? (value(second) ?? null) : null));
    charts.push({
      id: chartId("throughput", groupIndex),
      title: `Verified messages per second: ${group}`,
      xKind: "second",
      yLabel: "messages/s",
      logY: false,
      x,
      series: members.map((row, index) => ({
        ...(styles[index] as Omit<ChartSeriesSpec, "values">),
        values: perSecond(row, (second) => row.result.perSecond.messages[second]),
      })),
    });
    const withP99 = members.filter((row) => row.result.perSecond.p99Us !== undefined);
    if (withP99.length === 0) return;
    charts.push({
      id: chartId("p99", groupIndex),
      title: `p99 latency per second: ${group}`,
      xKind: "second",
      yLabel: "p99 (ms)",
      logY: true,
      x,
      series: withP99.map((row) => {
        const { perSecond: samples } = row.result;
        return {
          ...(styles[members.indexOf(row)] as Omit<ChartSeriesSpec, "values">),
          // A second without a verified reply has no latency to show.
          values: perSecond(row, (second) =>
            (samples.messages[second] ?? 0) > 0
              ? Math.max(MIN_LATENCY_MS, (samples.p99Us?.[second] ?? 0) / 1000)
              : undefined,
          ),
        };
      }),
    });
  });
  return charts;
}
