// One client connection and its connection to the target, joined by a ProxyPipe each way. An end
// (FIN) on one side is passed on once the bytes before it are delivered; a reset or error on one
// side resets the other at once.

import { connect, type Socket } from "node:net";
import type { RateLimitedLog } from "../rate-limited-log.js";
import type { SeededRandom } from "../seeded-random.js";
import type { FaultOptions, ProxyDirection } from "./fault-options.js";
import { ProxyPipe } from "./proxy-pipe.js";

/**
 * After reset-after's last byte, the RST waits this long: it discards whatever is still in the kernel's
 * send queue, so an immediate one could cut the receiver short of its exact count.
 */
export const RESET_AFTER_GRACE_MS = 50;

export interface ConnectionSettings {
  targetHost: string;
  targetPort: number;
  faults: FaultOptions;
  direction: ProxyDirection;
  random: SeededRandom;
  /** Both sides silent this long: reset both; 0: never. */
  idleTimeoutMs: number;
  log: RateLimitedLog;
}

export class ProxiedConnection {
  /** Settles once both sockets are closed. */
  readonly closed: Promise<void>;
  private readonly upstream: Socket;
  private readonly peer: string;
  private pipes: ProxyPipe[] = [];
  private finished = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    this.peer = client.remoteAddress
      ? `${client.remoteAddress}:${client.remotePort}`
      : "a client gone at once";
    this.upstream = connect({ host: settings.targetHost, port: settings.targetPort, allowHalfOpen: true });
    this.closed = Promise.all([closeOf(client), closeOf(this.upstream)]).then(() => {
      clearTimeout(this.graceTimer);
    });
    client.on("error", (error: NodeJS.ErrnoException) => this.fail(`client ${error.code ?? error.message}`));
    // The client socket sees traffic both ways (what it sends, what it is sent): silent there is idle.
    if (settings.idleTimeoutMs > 0) {
      client.setTimeout(settings.idleTimeoutMs, () =>
        this.fail(`idle for ${settings.idleTimeoutMs} ms`, "idle-timeout"),
      );
    }
    this.upstream.on("error", (error: NodeJS.ErrnoException) =>
      this.fail(`target ${settings.targetHost}:${settings.targetPort} ${error.code ?? error.message}`),
    );
    this.upstream.once("connect", () => this.join());
  }

  /** Resets both sides now, whatever state the connection is in (the proxy is closing). */
  abort(): void {
    this.finished = true;
    clearTimeout(this.graceTimer);
    for (const pipe of this.pipes) pipe.stop();
    resetSocket(this.client);
    resetSocket(this.upstream);
  }

  private fail(reason: string, key = reason): void {
    if (this.finished) return;
    this.settings.log.note(key, `${this.peer} reset: ${reason}`);
    this.abort();
  }

  private join(): void {
    if (this.finished) return;
    const { faults, direction, random } = this.settings;
    this.client.setNoDelay(true);
    this.upstream.setNoDelay(true);
    const faultsFor = (faulted: boolean): FaultOptions => (faulted ? faults : {});
    this.pipes = [
      new ProxyPipe(this.client, this.upstream, faultsFor(direction !== "down"), random.fork(), () =>
        this.resetAfterLimit(),
      ),
      new ProxyPipe(this.upstream, this.client, faultsFor(direction !== "up"), random.fork(), () =>
        this.resetAfterLimit(),
      ),
    ];
    this.client.resume();
  }

  /** One direction has handed its limit to the kernel: both sides are reset after a grace. */
  private resetAfterLimit(): void {
    if (this.finished) return;
    this.finished = true;
    this.settings.log.note(
      "reset-after",
      `${this.peer} reset: reset-after ${this.settings.faults.resetAfterBytes} bytes`,
    );
    for (const pipe of this.pipes) pipe.stop();
    this.graceTimer = setTimeout(() => this.abort(), RESET_AFTER_GRACE_MS);
  }
}

function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // libuv refuses to reset a socket whose sending side is shut, and Node then never emits 'close'.
  if (socket.connecting || socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}

function closeOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once("close", () => resolve()));
}
