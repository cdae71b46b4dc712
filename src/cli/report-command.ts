// `sockbench report FILE...`: renders result files (load, bench, check, check of your server, stress) as
// one HTML page, CSV rows or .hgrm percentile distributions; with no output named, prints each
// scenario's figures, and a check of your server or a stress run as its own command prints it.

import { type Command, Option } from "commander";
import { DEFAULT_PERCENTILES } from "../results/latency-percentiles.js";
import { CommandFailure } from "./exit-codes.js";
import { parsePercentileList } from "./option-parsers.js";

interface ReportCliOptions {
  html?: string;
  csv?: string;
  hgrm?: string;
  percentiles: number[];
  title?: string;
}

export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "render result files (load --out, bench, check --json, stress --json) as text, HTML, CSV or .hgrm; several overlay",
    )
    .argument("<files...>", "result files; with several, the HTML overlays them (the earlier ones faded)")
    .option("--html <file>", "write one self-contained HTML page (charts drawn offline)")
    .option("--csv <file>", "write one CSV row per scenario (- for standard output)")
    .option(
      "--hgrm <file>",
      "write HdrHistogram's percentile distribution (one file per scenario when several)",
    )
    .addOption(
      new Option(
        "--percentiles <list>",
        "latency percentiles of the tables and CSV, e.g. 50,90,99,99.9,99.99",
      )
        .argParser(parsePercentileList)
        .default([...DEFAULT_PERCENTILES], DEFAULT_PERCENTILES.join(",")),
    )
    .option("--title <text>", "the HTML page's title")
    .action(async (paths: string[], options: ReportCliOptions) => {
      // Loaded on use: the HTML page, histograms and tables would slow every other command's start.
      const [
        { readResultFile, writeHgrmFiles, writeHtmlReport, writeOutput },
        { renderCsv },
        { scenarioRows },
      ] = await Promise.all([
        import("./report-outputs.js"),
        import("../report/csv.js"),
        import("../report/scenario-rows.js"),
      ]);
      const files = await Promise.all(paths.map(readResultFile));
      const rows = files.flatMap((file) => scenarioRows(file));
      if ((options.csv !== undefined || options.hgrm !== undefined) && rows.length === 0) {
        throw new CommandFailure(
          "--csv and --hgrm need load or bench results: a check or stress result has no latency histogram (report prints it, --html draws it)",
        );
      }
      if (options.html !== undefined) {
        await writeHtmlReport(options.html, {
          title: options.title ?? `sockbench report: ${paths.join(", ")}`,
          files: files.map((file) => ({ label: file.source, file })),
          percentiles: options.percentiles,
        });
        process.stderr.write(`wrote ${options.html}\n`);
      }
      if (options.csv !== undefined) {
        const csv = renderCsv(rows, options.percentiles);
        if (options.csv === "-") process.stdout.write(csv);
        else {
          await writeOutput(options.csv, csv);
          process.stderr.write(`wrote ${options.csv}\n`);
        }
      }
      if (options.hgrm !== undefined) {
        for (const path of await writeHgrmFiles(options.hgrm, rows)) process.stderr.write(`wrote ${path}\n`);
      }
      if (options.html === undefined && options.csv === undefined && options.hgrm === undefined) {
        const { renderScenarioSummary } = await import("../report/scenario-summary.js");
        if (rows.length > 0) process.stdout.write(`${renderScenarioSummary(rows, options.percentiles)}\n`);
        const [{ formatTargetCheckReport }, { formatStressReport }] = await Promise.all([
          import("../report/target-check-report.js"),
          import("../report/stress-report.js"),
        ]);
        for (const file of files) {
          if (file.kind === "check") {
            process.stdout.write(
              `${file.source}: check ${file.result.passed ? "passed" : "FAILED"}, ${file.result.cells.length} cells (--html draws the matrix)\n`,
            );
          } else if (file.kind === "target-check") {
            process.stdout.write(`${file.source}:\n${formatTargetCheckReport(file.result)}`);
          } else if (file.kind === "stress") {
            process.stdout.write(`${file.source}:\n${formatStressReport(file.result)}\n`);
          }
        }
      }
    });
}
