// An app turns one request message into one reply message; pure, no I/O.

export interface App {
  readonly name: AppName;
  respond(payload: Buffer): Buffer;
}

export const APP_NAMES = ["echo", "hello", "sum"] as const;
export type AppName = (typeof APP_NAMES)[number];
