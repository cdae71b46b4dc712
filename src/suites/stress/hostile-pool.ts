// The hostile side's connections: opened from loopback source addresses other than the legitimate
// client's (127.0.0.2 and up, as attackers come from other hosts), counted, and all destroyed at the end.

import { connect, type Socket } from "node:net";
import type { SilentProbeOutcome } from "../../results/stress-result.js";

export interface HostileTarget {
  host: string;
  port: number;
  /** Source addresses, used in turn: `127.0.0.2`, `127.0.0.3`, ... */
  sourceAddresses: string[];
}

export function hostileSourceAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `127.0.0.${index + 2}`);
}

export interface PoolCounts {
  /** Connections the server accepted (connect completed). */
  opened: number;
  /** Connections that failed to connect (refused, reset before connect, timed out). */
  failedToOpen: number;
  /** Connections the server closed or reset first (not the peer's own close) while the attack went on. */
  closedByServer: number;
  bytesSent: number;
}

/** How long the silent probe waits: a server refusing an address closes at accept, far within it. */
export const SILENT_PROBE_MS = 300;

export class HostilePool {
  readonly counts: PoolCounts = { opened: 0, failedToOpen: 0, closedByServer: 0, bytesSent: 0 };
  private readonly sockets = new Set<Socket>();
  private nextAddress = 0;
  private stopped = false;

  constructor(private readonly target: HostileTarget) {}

  get openCount(): number {
    return this.sockets.size;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Opens one connection; resolves with it once connected, or undefined when it could not be. */
  open(options: { readReplies?: boolean } = {}): Promise<Socket | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const { sourceAddresses } = this.target;
    const localAddress = sourceAddresses[this.nextAddress++ % sourceAddresses.length];
    const socket = connect({ host: this.target.host, port: this.target.port, localAddress });
    this.sockets.add(socket);
    let connected = false;
    let serverClosedFirst = false;
    // The server's FIN or RST (our own reset or destroy emits neither) before the peer ended its side: a
    // close the server chose (churn's own close, answered by the server's, is not one).
    const onServerClose = () => {
      serverClosedFirst ||= connected && !socket.writableEnded;
    };
    socket.on("error", onServerClose);
    socket.on("end", onServerClose);
    if (options.readReplies === false) socket.pause();
    else socket.resume();
    socket.once("close", () => {
      this.sockets.delete(socket);
      if (!connected) this.counts.failedToOpen++;
      else if (!this.stopped && serverClosedFirst) this.counts.closedByServer++;
    });
    return new Promise((resolve) => {
      socket.once("connect", () => {
        connected = true;
        this.counts.opened++;
        resolve(socket);
      });
      socket.once("close", () => resolve(undefined));
    });
  }

  /**
   * Opens one connection apart from the counts, sends nothing and waits `waitMs`: whether the server
   * keeps a silent peer from these addresses at all (redis's protected mode closes it at once).
   */
  async probeSilent(waitMs: number): Promise<SilentProbeOutcome> {
    const socket = connect({
      host: this.target.host,
      port: this.target.port,
      localAddress: this.target.sourceAddresses[0],
    });
    socket.on("error", () => {});
    socket.resume();
    const connected = await new Promise<boolean>((resolve) => {
      socket.once("connect", () => resolve(true));
      socket.once("close", () => resolve(false));
    });
    if (!connected) return "refused";
    const closed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      socket.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    socket.destroy();
    return closed ? "closed" : "held";
  }

  /** Writes `bytes` unless the connection is gone; counts what was handed to the kernel. */
  write(socket: Socket, bytes: Buffer): boolean {
    if (socket.destroyed || !socket.writable) return false;
    this.counts.bytesSent += bytes.length;
    return socket.write(bytes);
  }

  /** Ends the attack: every hostile connection is reset. */
  stop(): void {
    this.stopped = true;
    for (const socket of this.sockets) resetSocket(socket);
    this.sockets.clear();
  }
}

/** A reset (RST) where the socket allows one, else a plain close. */
export function resetSocket(socket: Socket): void {
  if (socket.destroyed) return;
  // libuv refuses to reset a socket still connecting or whose sending side is shut.
  if (socket.connecting || socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}
