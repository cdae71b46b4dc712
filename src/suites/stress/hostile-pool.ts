// The hostile side's connections: opened from loopback source addresses other than the legitimate
// client's (127.0.0.2 and up, as attackers come from other hosts), counted, and all destroyed at the end.

import { connect, type Socket } from "node:net";

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
  /** Connections the server closed or reset while the attack went on. */
  closedByServer: number;
  bytesSent: number;
}

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
    socket.on("error", () => {});
    if (options.readReplies === false) socket.pause();
    else socket.resume();
    socket.once("close", () => {
      this.sockets.delete(socket);
      if (!connected) this.counts.failedToOpen++;
      else if (!this.stopped) this.counts.closedByServer++;
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
