// The report a person reads after `sockbench bench`: per size (and connection count and fragmentation),
// framings as rows and variants as columns, messages/s and p99 in each cell, the best cell marked, and
// each framing's boundary errors. Rendered as cli-table3 for the terminal and as Markdown for the file.

import Table from "cli-table3";
import {
  type BenchResult,
  type BenchRun,
  benchRunErrors,
  benchRunFindings,
  benchRunRoundCount,
} from "../results/bench-result.js";
import { significantlyFaster } from "../results/bench-significance.js";
import { lossRatio, unansweredCount } from "../results/datagram-loss.js";
import { countedReplies } from "../results/load-result.js";
import type { MedianInterval } from "../results/statistics/median-interval.js";
import { formatCount, formatDurationMs, formatLatencyUs, formatPercent, plural } from "./format-number.js";
import { formatSizeBytes } from "./format-size.js";
import { formatMicrosPerMessage, formatUsPerMessage } from "./load-report.js";
import { unique } from "./unique.js";

export interface BenchGroup {
  title: string;
  framings: string[];
  variants: string[];
  cell(framing: string, variant: string): BenchRun | undefined;
  best: BenchRun | undefined;
  /**
   * The cells marked fastest: `best`, and every correct cell it is not significantly faster than
   * (bench-significance.ts); only `best` when the cells have no rounds to test.
   */
  leaders: BenchRun[];
}

/**
 * Errors that mean a message boundary was lost: wrong replies, broken frames, replies that never came.
 * Over UDP a datagram that never came is loss, shown in its cell, not a boundary error.
 */
export function boundaryErrors(run: BenchRun): number {
  // The rounds keep no loss apart from other errors, so over UDP the median round's count stands.
  if (run.scenario.framing === "udp") {
    return run.errors.mismatch + run.errors.protocol + run.errors.timeout - unansweredCount(run);
  }
  return benchRunErrors(run, ["mismatch", "protocol", "timeout"]);
}

/**
 * Whether a run's connection count is its server's own rather than the profile's: sequential is always
 * driven with one connection, a user's server with the connections it was given. Such runs join every
 * group of their size and fragmentation.
 */
function hasOwnConnections(run: BenchRun): boolean {
  return run.scenario.variant === "sequential" || run.scenario.server !== undefined;
}

export function groupRuns(runs: BenchRun[]): BenchGroup[] {
  const sameStream = (a: BenchRun, b: BenchRun) =>
    a.scenario.size === b.scenario.size && a.scenario.fragmentation === b.scenario.fragmentation;
  const concurrentRuns = runs.filter((run) => !hasOwnConnections(run));
  const leaders = concurrentRuns.filter(
    (run, index) =>
      concurrentRuns.findIndex(
        (other) => sameStream(run, other) && other.scenario.connections === run.scenario.connections,
      ) === index,
  );
  // A stream only servers with their own connection counts ran (a bench interrupted after its
  // sequential cells) still gets its table, led by its first run.
  const ownLeaders = runs.filter(
    (run, index) =>
      hasOwnConnections(run) &&
      !concurrentRuns.some((other) => sameStream(run, other)) &&
      runs.findIndex((other) => sameStream(run, other)) === index,
  );
  return [...leaders, ...ownLeaders].map((leader) => {
    const ownOnly = hasOwnConnections(leader);
    const members = runs.filter(
      (run) =>
        sameStream(run, leader) &&
        (hasOwnConnections(run) || run.scenario.connections === leader.scenario.connections),
    );
    const correct = members.filter((run) => benchRunErrors(run) === 0);
    const best = correct.reduce<BenchRun | undefined>(
      (fastest, run) =>
        !fastest || run.throughput.messagesPerSec > fastest.throughput.messagesPerSec ? run : fastest,
      undefined,
    );
    // The fastest is compared with every other cell without errors: those comparisons share the 5%.
    const comparisons = Math.max(1, correct.length - 1);
    const { size, connections, fragmentation } = leader.scenario;
    const own = unique(
      members.filter(hasOwnConnections).map((run) => `${run.scenario.variant}: ${run.scenario.connections}`),
    );
    return {
      title: `${formatSizeBytes(size)} messages${ownOnly ? "" : `, ${plural(connections, "connection")}`}${own.length > 0 ? ` (${own.join(", ")})` : ""}, fragmentation ${fragmentation}`,
      framings: unique(members.map((run) => run.scenario.framing)),
      variants: unique(members.map((run) => run.scenario.variant)),
      cell: (framing, variant) =>
        members.find((run) => run.scenario.framing === framing && run.scenario.variant === variant),
      best,
      leaders: best
        ? correct.filter((run) => run === best || significantlyFaster(best, run, comparisons) === false)
        : [],
    };
  });
}

/**
 * A cell's error count as every report shows it: its rounds' errors added (over UDP those besides loss,
 * of the median round), labelled with the rounds they were counted over.
 */
export function cellErrorsText(run: BenchRun): string {
  const rounds = benchRunRoundCount(run);
  const over = run.scenario.framing === "udp" || rounds === 1 ? "" : ` in ${rounds} rounds`;
  return `${plural(benchRunFindings(run), "error")}${over}`;
}

/** `(low–high)`: an interval's ends, in the figure's own format. */
function intervalText(interval: MedianInterval | undefined, format: (value: number) => string): string {
  return interval ? ` (${format(interval.low)}–${format(interval.high)})` : "";
}

/**
 * A cell: the median round's rate and p99, each with its 95 % interval over the rounds (older files: ±
 * the spread of the rounds); "broken" when no reply was verified, for its figures would be zeros.
 */
function cellText(run: BenchRun | undefined, leaders: BenchRun[], separator: string): string {
  if (!run) return "-";
  const errors = benchRunFindings(run);
  if (countedReplies(run) === 0) return `broken${separator}${cellErrorsText(run)}`;
  const { intervals } = run;
  const spread = intervals
    ? intervalText(intervals.messagesPerSec, formatCount)
    : run.spread !== undefined
      ? ` ±${formatPercent(run.spread)}`
      : "";
  // The server's CPU per message tells servers and framings apart even where the driver sets the pace.
  // With intervals, p99 and CPU show the median over the rounds (the median round's own may lie outside).
  const serverCpu = intervals?.serverUsPerMessage
    ? `${formatMicrosPerMessage(intervals.serverUsPerMessage.median)}${intervalText(intervals.serverUsPerMessage, (us) => us.toFixed(1))}`
    : run.cpu?.server
      ? formatUsPerMessage(run.cpu.server)
      : undefined;
  const server = serverCpu !== undefined ? `${separator}server ${serverCpu}` : "";
  const p99Us = intervals?.p99Us.median ?? run.latencyUs.p99;
  const saturated = run.cpu?.driver.saturated ? " (driver saturated)" : "";
  // Over UDP the median and the loss belong beside p99: datagrams may go unanswered.
  const latency =
    run.scenario.framing === "udp"
      ? `p50 ${formatLatencyUs(run.latencyUs.p50)} / p99 ${formatLatencyUs(run.latencyUs.p99)}${separator}loss ${(lossRatio(run) * 100).toFixed(2)}%`
      : `p99 ${formatLatencyUs(p99Us)}${intervalText(intervals?.p99Us, formatLatencyUs)}`;
  const figures = `${formatCount(run.throughput.messagesPerSec)} msg/s${spread}${saturated}${separator}${latency}${server}`;
  return `${leaders.includes(run) ? "★ " : ""}${figures}${errors > 0 ? `${separator}${cellErrorsText(run)}` : ""}`;
}

function errorsText(group: BenchGroup, framing: string): string {
  const total = group.variants.reduce((sum, variant) => {
    const run = group.cell(framing, variant);
    return sum + (run ? boundaryErrors(run) : 0);
  }, 0);
  return total === 0 ? "0" : `${formatCount(total)} ✗`;
}

export function renderBenchTables(runs: BenchRun[]): string {
  return groupRuns(runs)
    .map((group) => {
      const table = new Table({
        head: ["framing", ...group.variants, "boundary errors"],
        style: { head: [], border: [] },
      });
      for (const framing of group.framings) {
        table.push([
          framing,
          ...group.variants.map((variant) => cellText(group.cell(framing, variant), group.leaders, "\n")),
          errorsText(group, framing),
        ]);
      }
      return `${group.title}\n${table.toString()}`;
    })
    .join("\n\n");
}

/** How the cells were measured, in a sentence: the header of the Markdown file and of the terminal tables. */
export function describeBenchSettings(result: BenchResult): string {
  const { settings } = result;
  if (!settings) return "Cells: one round each (a file from before rounds existed).";
  const common = `${formatCount(settings.pipelining)} pipelined per connection, timeout ${formatDurationMs(settings.timeoutMs)}`;
  if (settings.order !== "interleaved") {
    return (
      `Each cell: the median of ${plural(settings.rounds, "round")} of ${formatDurationMs(settings.roundMs)} measured, ` +
      `after a ${formatDurationMs(settings.warmupMs)} warm-up, ${common}; ± is the farthest round from the median; errors are every round's, added.`
    );
  }
  return (
    `Each cell: the median of ${plural(settings.rounds, "round")} of ${formatDurationMs(settings.roundMs)} measured, ` +
    `the rounds interleaved across cells in an order shuffled by seed ${settings.seed ?? 1} (a drift of the machine lands on every cell alike), ` +
    `each cell warmed until its rate settled (at most ${formatDurationMs(settings.warmupMs)}), ${common}; ` +
    "(low–high): the 95% interval of the median from order statistics; ★ the fastest cell without errors, and any it is not significantly faster than (Mann-Whitney U over the rounds, the table's comparisons sharing a 5% chance of a false call); errors are every round's, added."
  );
}

/** The Markdown file `bench` writes beside its result: the machine, the settings, one table per group. */
export function renderBenchDocument(result: BenchResult): string {
  const { machine } = result;
  return [
    `# sockbench bench, ${result.profile} profile${result.partial ? " (partial: interrupted)" : ""}`,
    "",
    `${result.startedAt}: sockbench ${result.version}, Node ${machine.node}, ${plural(machine.cpus, "CPU")} (${machine.cpuModel}), ${formatSizeBytes(machine.memory)} memory, ${machine.platform}.`,
    describeBenchSettings(result),
    "Cells: messages per second (every reply verified) and p99 latency; ★ the fastest cell without errors (with interleaved rounds, and any not significantly slower); broken: no reply verified.",
    ...(result.partial
      ? ["", `Interrupted: ${plural(result.runs.length, "scenario")} finished; the others did not run.`]
      : []),
    "",
    renderBenchMarkdown(result.runs),
    "",
  ].join("\n");
}

export function renderBenchMarkdown(runs: BenchRun[]): string {
  return groupRuns(runs)
    .map((group) => {
      const header = `| framing | ${group.variants.join(" | ")} | boundary errors |`;
      const rule = `|---|${group.variants.map(() => "---|").join("")}---|`;
      const rows = group.framings.map(
        (framing) =>
          `| ${framing} | ${group.variants.map((variant) => cellText(group.cell(framing, variant), group.leaders, ", ")).join(" | ")} | ${errorsText(group, framing)} |`,
      );
      return [`#### ${group.title}`, "", header, rule, ...rows].join("\n");
    })
    .join("\n\n");
}
