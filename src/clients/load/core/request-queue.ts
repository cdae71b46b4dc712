// The requests a connection has written and not yet matched to a reply, oldest first: a ring of
// parallel arrays, so that tracking a request allocates nothing on the hot path.

export class RequestQueue {
  private seqs = new Float64Array(16);
  private intendedUs = new Float64Array(16);
  private sentUs = new Float64Array(16);
  private payloads: (Buffer | undefined)[] = new Array(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(seq: number, intendedUs: number, sentUs: number, payload: Buffer | undefined): void {
    if (this.count === this.seqs.length) this.grow();
    const slot = (this.head + this.count) & (this.seqs.length - 1);
    this.seqs[slot] = seq;
    this.intendedUs[slot] = intendedUs;
    this.sentUs[slot] = sentUs;
    this.payloads[slot] = payload;
    this.count++;
  }

  shift(): void {
    this.payloads[this.head] = undefined;
    this.head = (this.head + 1) & (this.seqs.length - 1);
    this.count--;
  }

  clear(): void {
    while (this.count > 0) this.shift();
    this.head = 0;
  }

  /** Field accessors for the request `offset` places from the oldest (0: the oldest). */
  seqAt(offset: number): number {
    return this.seqs[this.slot(offset)] as number;
  }

  intendedUsAt(offset: number): number {
    return this.intendedUs[this.slot(offset)] as number;
  }

  sentUsAt(offset: number): number {
    return this.sentUs[this.slot(offset)] as number;
  }

  payloadAt(offset: number): Buffer | undefined {
    return this.payloads[this.slot(offset)];
  }

  /** How many requests were meant to be sent at or after `startUs` (those of the measured phase). */
  countIntendedFrom(startUs: number): number {
    let count = 0;
    for (let offset = 0; offset < this.count; offset++) if (this.intendedUsAt(offset) >= startUs) count++;
    return count;
  }

  /** Offset of the request with sequence number `seq`, or -1. */
  offsetOfSeq(seq: number): number {
    for (let offset = 0; offset < this.count; offset++) if (this.seqAt(offset) === seq) return offset;
    return -1;
  }

  private slot(offset: number): number {
    return (this.head + offset) & (this.seqs.length - 1);
  }

  private grow(): void {
    const capacity = this.seqs.length * 2;
    const seqs = new Float64Array(capacity);
    const intendedUs = new Float64Array(capacity);
    const sentUs = new Float64Array(capacity);
    const payloads: (Buffer | undefined)[] = new Array(capacity);
    for (let offset = 0; offset < this.count; offset++) {
      const slot = this.slot(offset);
      seqs[offset] = this.seqs[slot] as number;
      intendedUs[offset] = this.intendedUs[slot] as number;
      sentUs[offset] = this.sentUs[slot] as number;
      payloads[offset] = this.payloads[slot];
    }
    this.seqs = seqs;
    this.intendedUs = intendedUs;
    this.sentUs = sentUs;
    this.payloads = payloads;
    this.head = 0;
  }
}
