// `sockbench send`: sends each message and prints each reply on its own line.

import type { Command } from "commander";
import { SendError, sendMessages } from "../clients/send-client.js";
import { unbracketHost } from "../host-port.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "../servers/server-options.js";
import { CommandFailure } from "./exit-codes.js";
import { addFramingOptions, type FramingCliOptions, framingFromOptions } from "./framing-options.js";
import { durationOption, parsePort } from "./option-parsers.js";

interface SendCliOptions extends FramingCliOptions {
  host: string;
  port: number;
  timeout: number;
}

export function registerSendCommand(program: Command): void {
  const command = program
    .command("send")
    .description("send each MESSAGE and print each reply on its own line")
    .argument("<message...>", "messages to send, in order")
    .option("--host <host>", "server address (::1 or [::1] for IPv6)", unbracketHost, DEFAULT_HOST)
    .option("--port <port>", "server port", parsePort, DEFAULT_PORT)
    .addOption(
      durationOption("-t, --timeout <duration>", "wait this long to connect and for each reply", 5000),
    );
  addFramingOptions(command).action(async (messages: string[], options: SendCliOptions) => {
    try {
      await sendMessages(
        messages.map((message) => Buffer.from(message)),
        {
          host: options.host,
          port: options.port,
          framing: framingFromOptions(options),
          timeoutMs: options.timeout,
        },
        (reply) => process.stdout.write(`${reply.toString("utf8")}\n`),
      );
    } catch (error) {
      if (error instanceof SendError) throw new CommandFailure(error.message);
      throw error;
    }
  });
}
