// The udp row of `sockbench check`: each cell a bounded, verified load of datagrams against the UDP echo
// server. The kernel keeps every datagram's boundary, so a wrong, repeated or overtaken reply fails the
// cell; loss is reported, and fails the cell only beyond the share allowed (--max-loss).

import { getApp } from "../apps/registry.js";
import { runLoad } from "../clients/load/load-driver.js";
import type { CheckCell } from "../results/check-result.js";
import { errorsBesidesLoss, unansweredCount } from "../results/datagram-loss.js";
import type { LoadResult } from "../results/load-result.js";
import { startServer } from "../servers/start-server.js";

/**
 * No loss allowed by default: on loopback the kernel drops a datagram only when a receive buffer is full,
 * and a cell keeps at most UDP_CELL_PIPELINING datagrams (8 KiB) in flight against buffers of megabytes.
 * A datagram lost there was dropped by the server.
 */
export const DEFAULT_MAX_LOSS = 0;
/** Datagrams per cell: enough that a loss of one in a thousand shows. */
export const UDP_CELL_MESSAGES = 1000;
/** In flight: enough for a repeated or overtaken reply to show, few enough that no buffer fills. */
const UDP_CELL_PIPELINING = 8;

/** Whether a udp cell held: nothing wrong besides loss, every datagram answered or lost, loss within bounds. */
export function judgeUdpCell(
  result: Pick<LoadResult, "errors" | "mismatches" | "messages">,
  asked: number,
  maxLoss: number,
): { passed: boolean; lost: number } {
  const lost = unansweredCount(result);
  const passed =
    errorsBesidesLoss(result) === 0 && result.messages.verified + lost === asked && lost <= maxLoss * asked;
  return { passed, lost };
}

export async function runUdpCheckCell(
  sizeBytes: number,
  timeoutMs: number,
  maxLoss: number,
): Promise<CheckCell> {
  const server = await startServer("concurrent", {
    transport: "udp",
    host: "127.0.0.1",
    port: 0,
    maxRequestBytes: sizeBytes,
    log: () => {},
    app: getApp("echo"),
  });
  try {
    const asked = UDP_CELL_MESSAGES;
    const result = await runLoad({
      target: server.target as string,
      transport: "udp",
      connections: 1,
      pipelining: UDP_CELL_PIPELINING,
      sizesBytes: [sizeBytes],
      amount: asked,
      timeoutMs,
      verify: "echo",
    });
    const { passed, lost } = judgeUdpCell(result, asked, maxLoss);
    return {
      framing: "udp",
      size: sizeBytes,
      fragmentation: "none",
      passed,
      messages: result.messages.verified,
      asked,
      errors: errorsBesidesLoss(result),
      errorKinds: result.errors,
      samples: result.errorSamples.slice(0, 3),
      lost,
      blocking: !passed,
    };
  } finally {
    await server.close();
  }
}
