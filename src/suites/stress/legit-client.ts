// The legitimate client of a stress run: from 127.0.0.1, one verified request per fresh connection,
// one after another at a steady pace, as new users keep arriving. A fresh connection each time is what
// a lock-out denies first (a full server, a queue behind an idle peer), and it works with any server,
// sequential ones included.

import { connect } from "node:net";
import type { Framing } from "../../framing/framing.js";

/** The failure of a request whose connection the server closed before its reply. */
export const CLOSED_BEFORE_REPLY = "closed by the server before replying";

/** How the legitimate client builds request `index` and judges its reply (undefined: right). */
export interface LegitRequests {
  request(index: number): Buffer;
  judge(reply: Buffer, request: Buffer): string | undefined;
}

export interface LegitSample {
  /** When the request started (performance.now()). */
  atMs: number;
  latencyUs: number;
  /** Undefined when answered right; else why not (timeout, refused, wrong reply). */
  failure?: string;
}

export interface LegitClientOptions {
  host: string;
  port: number;
  framing: Framing;
  /** How replies are cut, when not as requests are. */
  replyFraming?: Framing;
  requests: LegitRequests;
  /** Connect, send and get the reply within this, or the request failed. */
  timeoutMs: number;
  /** Requests start at least this far apart. */
  intervalMs: number;
}

export class LegitClient {
  readonly samples: LegitSample[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private index = 0;

  constructor(private readonly options: LegitClientOptions) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** One request now, outside the loop (is the server still up?). */
  async probe(): Promise<LegitSample> {
    return this.requestOnce(this.index++);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const sample = await this.requestOnce(this.index++);
      this.samples.push(sample);
      const restMs = this.options.intervalMs - sample.latencyUs / 1000;
      if (restMs > 0) await new Promise((resolve) => setTimeout(resolve, restMs));
    }
  }

  private requestOnce(index: number): Promise<LegitSample> {
    const { host, port, framing, replyFraming, requests, timeoutMs } = this.options;
    const request = requests.request(index);
    const atMs = performance.now();
    return new Promise((resolve) => {
      const socket = connect({ host, port, localAddress: "127.0.0.1" });
      const decoder = (replyFraming ?? framing).createDecoder();
      let settled = false;
      const finish = (failure: string | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (failure === undefined) socket.end();
        else socket.destroy();
        resolve({ atMs, latencyUs: Math.round((performance.now() - atMs) * 1000), failure });
      };
      const timer = setTimeout(() => finish(`no reply within ${timeoutMs} ms`), timeoutMs);
      socket.setNoDelay(true);
      socket.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
      socket.on("close", () => finish(CLOSED_BEFORE_REPLY));
      socket.once("connect", () => {
        socket.cork();
        for (const buffer of framing.encode(request)) socket.write(buffer);
        socket.uncork();
      });
      socket.on("data", (chunk: Buffer) => {
        let replies: Buffer[];
        try {
          replies = decoder.push(chunk);
        } catch (error) {
          finish(`unreadable reply: ${(error as Error).message}`);
          return;
        }
        const reply = replies[0];
        if (reply !== undefined) finish(requests.judge(reply, request));
      });
    });
  }
}
