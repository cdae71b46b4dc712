// A sum request that used to hold the server's event loop for minutes (a backtracking pattern on a long
// digit run followed by a non-digit; superlinear BigInt work on a huge integer) gets its ERROR: reply at
// once, and a second client keeps being answered meanwhile. The server runs in its own process, so a
// frozen server cannot freeze the test's clock with it.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_NUMBER_DIGITS } from "../src/apps/sum-app.js";
import { createFraming } from "../src/framing/registry.js";
import { type RunningCli, startCli } from "./support/cli-process.js";
import { openFramedClient } from "./support/framed-client.js";

/**
 * How long one reply may take. Linear work on these messages takes milliseconds; before the fix the
 * digit run held the server about ten minutes and the integer tens of seconds.
 */
const REPLY_BOUND_MS = 10_000;

describe("sum app under pathological requests", () => {
  let server: RunningCli;
  const framing = createFraming("length");

  beforeAll(async () => {
    server = await startCli(["serve", "--port", "0", "--app", "sum", "--framing", "length"]);
  });
  afterAll(async () => {
    // SIGKILL: a server frozen by a regression would never get to a SIGTERM handler.
    server.child.kill("SIGKILL");
    await server.exited;
  });

  it.each([
    {
      attack: "a 1 MiB digit run ending in a letter",
      message: `${"1".repeat(1 << 20)}x`,
      reply: /^ERROR: "1{32}"… \(1048577 characters\) is not a number$/,
    },
    {
      attack: "an 8 MiB integer",
      message: "9".repeat(8 << 20),
      reply: new RegExp(
        `^ERROR: .* has ${8 << 20} digits, more than the ${MAX_NUMBER_DIGITS} a number may have$`,
      ),
    },
  ])("$attack: refused at once while a second client is answered", async ({ message, reply }) => {
    const attacker = await openFramedClient(server.port, framing);
    const bystander = await openFramedClient(server.port, framing);
    try {
      expect((await bystander.request(Buffer.from("1 2"), REPLY_BOUND_MS)).toString()).toBe("3");
      let attackSettled = false;
      const attack = attacker.request(Buffer.from(message), REPLY_BOUND_MS).finally(() => {
        attackSettled = true;
      });
      attack.catch(() => {}); // awaited below; a failure elsewhere first must not leave it unhandled
      // The bystander asks until the attack is answered and once more: each of its requests, those the
      // server gets while it holds the attack included, is answered within the bound.
      let asked = 0;
      do {
        const answer = await bystander.request(Buffer.from(`${asked} 1`), REPLY_BOUND_MS);
        expect(answer.toString()).toBe(String(asked + 1));
        asked++;
      } while (!attackSettled);
      expect((await bystander.request(Buffer.from("40 2"), REPLY_BOUND_MS)).toString()).toBe("42");
      expect((await attack).toString()).toMatch(reply);
      // The attacker's connection stays usable too: a bad token is answered, not punished.
      expect((await attacker.request(Buffer.from("2 2"), REPLY_BOUND_MS)).toString()).toBe("4");
    } finally {
      attacker.close();
      bystander.close();
    }
  });
});
