// `sockbench merge PARTS... --out FILE`: adds up the result files of a sharded load (load --shard I/N)
// into one result that report and compare read like any other.

import type { Command } from "commander";
import { totalErrors } from "../results/load-result.js";
import { MergeError, type MergePart, mergeShardParts } from "../results/load-result-merge.js";
import { CommandFailure, EXIT_ERRORS_FOUND, EXIT_USAGE } from "./exit-codes.js";
import { readResultJson } from "./report-outputs.js";
import { checkOutputPath, saveRunOutput } from "./run-outputs.js";

/** A part, checked against its schema and for consistency first: merge adds up only what is well formed. */
async function readPart(path: string): Promise<MergePart> {
  return { source: path, result: (await readResultJson(path)) as MergePart["result"] };
}

interface MergeCliOptions {
  out?: string;
  partial: boolean;
  json: boolean;
}

export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description("add up the results of a sharded load (load --shard I/N) into one result")
    .argument("<parts...>", "the shards' result files (load --out or --json), one per shard")
    .option("--out <file>", "write the merged JSON result to this file")
    .option("--partial", "merge even when some shards are missing (the result says which)", false)
    .option("--json", "print only the merged JSON result", false)
    .action(async (paths: string[], options: MergeCliOptions) => {
      if (options.out !== undefined) await checkOutputPath("--out", options.out);
      const parts = await Promise.all(paths.map(readPart));
      let merged: ReturnType<typeof mergeShardParts>;
      try {
        merged = mergeShardParts(parts, { partial: options.partial });
      } catch (error) {
        if (error instanceof MergeError) throw new CommandFailure(error.message, EXIT_USAGE);
        throw error;
      }
      const json = `${JSON.stringify(merged, null, 2)}\n`;
      const { formatLoadReport } = await import("../report/load-report.js");
      process.stdout.write(options.json ? json : formatLoadReport(merged));
      const saved =
        options.out !== undefined ? await saveRunOutput(options.out, json, options.json) : undefined;
      if (saved?.failure !== undefined) {
        process.stderr.write(`sockbench: ${saved.failure}\n`);
        process.exitCode = EXIT_USAGE;
      } else if (totalErrors(merged) > 0) process.exitCode = EXIT_ERRORS_FOUND;
    });
}
