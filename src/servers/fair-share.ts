// A fair share of the event loop per connection: one connection reads at most FAIR_SHARE_BYTES in one
// turn of the loop, then waits for the next, so that a peer streaming expensive requests cannot keep the
// loop from everyone else. Without it libuv reads up to 32 × 64 KiB from one socket before the next.

/**
 * Bytes one connection may hand to its decoder in one turn of the event loop: four of libuv's 64 KiB
 * reads. A share of one read paused and resumed the connection after nearly every read of 64 KiB
 * messages (two epoll_ctl calls each), which cost measurably more server CPU per message (docs/design.md).
 */
export const FAIR_SHARE_BYTES = 256 * 1024;

let currentTurn = 0;
let turnEndScheduled = false;

/** The loop's turn; one setImmediate for the whole process marks where the turn ends. */
function loopTurn(): number {
  if (!turnEndScheduled) {
    turnEndScheduled = true;
    setImmediate(() => {
      currentTurn++;
      turnEndScheduled = false;
    });
  }
  return currentTurn;
}

/** One connection's count of the bytes it read this turn. */
export class FairShare {
  private turn = -1;
  private bytesThisTurn = 0;
  /** True from the moment the share is spent until the next turn begins. */
  yielding = false;

  /**
   * Counts `byteCount` read now; when the share of this turn is spent, returns true and calls `resume`
   * at the start of the next turn (the caller pauses the connection in between).
   */
  spend(byteCount: number, resume: () => void): boolean {
    const turn = loopTurn();
    if (turn !== this.turn) {
      this.turn = turn;
      this.bytesThisTurn = 0;
    }
    this.bytesThisTurn += byteCount;
    if (this.bytesThisTurn < FAIR_SHARE_BYTES) return false;
    this.yielding = true;
    setImmediate(() => {
      this.yielding = false;
      resume();
    });
    return true;
  }
}
