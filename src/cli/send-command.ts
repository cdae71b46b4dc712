// `sockbench send`: sends each message and prints each reply on its own line; with --expect or
// --expect-module, says of each reply whether it holds, and exits 1 when one does not.

import type { Command } from "commander";
import { checksReplies, judgeReply } from "../apps/expectation.js";
import { SendError, sendMessages } from "../clients/send-client.js";
import { unbracketHost } from "../host-port.js";
import { plural } from "../report/format-number.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "../servers/server-options.js";
import { loadExpectationOf } from "../targets/target-spec.js";
import { CommandFailure, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import {
  addFramingModuleOptions,
  addFramingOptions,
  type FramingCliOptions,
  framingsFromOptions,
} from "./framing-options.js";
import { durationOption, parsePort } from "./option-parsers.js";
import {
  addExpectOptions,
  type ExpectCliOptions,
  expectationFromOptions,
  expectGiven,
} from "./target-options.js";

interface SendCliOptions extends FramingCliOptions, ExpectCliOptions {
  host: string;
  port: number;
  timeout: number;
}

export function registerSendCommand(program: Command): void {
  const command = program
    .command("send")
    .description(
      "send each MESSAGE and print each reply on its own line; with --expect, say whether each reply holds",
    )
    .argument("<message...>", "messages to send, in order")
    .option("--host <host>", "server address (::1 or [::1] for IPv6)", unbracketHost, DEFAULT_HOST)
    .option("--port <port>", "server port", parsePort, DEFAULT_PORT)
    .addOption(
      durationOption("-t, --timeout <duration>", "wait this long to connect and for each reply", 5000),
    );
  addExpectOptions(addFramingModuleOptions(addFramingOptions(command)));
  command.action(async (messages: string[], options: SendCliOptions) => {
    const framings = await framingsFromOptions(options, (key) => command.getOptionValueSource(key) === "cli");
    // Judged only when asked: without --expect, send prints whatever comes, as the lab's client did.
    const spec = expectGiven(options) ? expectationFromOptions(options) : undefined;
    const expectation = spec !== undefined ? await loadExpectationOf(spec) : undefined;
    const named = spec?.kind === "module" ? `--expect-module ${spec.path}` : `--expect ${spec?.name}`;
    const requests = messages.map((message) => Buffer.from(message));
    let replies = 0;
    let wrong = 0;
    try {
      await sendMessages(
        requests,
        {
          host: options.host,
          port: options.port,
          ...framings,
          timeoutMs: options.timeout,
        },
        (reply) => {
          process.stdout.write(`${reply.toString("utf8")}\n`);
          const verdict =
            expectation !== undefined
              ? judgeReply(expectation, reply, requests[replies] as Buffer, replies)
              : undefined;
          replies++;
          if (verdict === undefined) return;
          wrong++;
          process.stderr.write(`sockbench: reply ${replies} does not hold ${named}: ${verdict}\n`);
        },
      );
    } catch (error) {
      if (error instanceof SendError) throw new CommandFailure(error.message);
      throw error;
    }
    if (expectation === undefined) return;
    process.stderr.write(
      checksReplies(expectation)
        ? `${replies - wrong} of ${plural(replies, "reply", "replies")} hold ${named}\n`
        : `${plural(replies, "reply", "replies")} received, not judged (${named})\n`,
    );
    if (wrong > 0) process.exitCode = EXIT_ERRORS_FOUND;
  });
}
