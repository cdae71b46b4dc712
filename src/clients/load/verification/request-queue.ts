// The requests a connection has written and not yet matched to a reply, oldest first: a ring of
// parallel arrays, so that tracking a request allocates nothing on the hot path.

/** Room for two requests at first (pipelining 1 needs no more); it doubles as needed. */
const INITIAL_CAPACITY = 2;
/** Numbers kept per request, side by side in one array: seq, intended send time, actual send time. */
const FIELDS = 3;
const SEQ = 0;
const INTENDED_US = 1;
const SENT_US = 2;

export class RequestQueue {
  // One small typed array, not three: a run holds two queues per connection, ten thousand connections or more.
  private numbers = new Float64Array(INITIAL_CAPACITY * FIELDS);
  private payloads: (Buffer | undefined)[] = new Array(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(seq: number, intendedUs: number, sentUs: number, payload: Buffer | undefined): void {
    if (this.count === this.payloads.length) this.grow();
    const slot = (this.head + this.count) & (this.payloads.length - 1);
    const base = slot * FIELDS;
    this.numbers[base + SEQ] = seq;
    this.numbers[base + INTENDED_US] = intendedUs;
    this.numbers[base + SENT_US] = sentUs;
    this.payloads[slot] = payload;
    this.count++;
  }

  shift(): void {
    this.payloads[this.head] = undefined;
    this.head = (this.head + 1) & (this.payloads.length - 1);
    this.count--;
  }

  clear(): void {
    while (this.count > 0) this.shift();
    this.head = 0;
  }

  /** Field accessors for the request `offset` places from the oldest (0: the oldest). */
  seqAt(offset: number): number {
    return this.numbers[this.slot(offset) * FIELDS + SEQ] as number;
  }

  intendedUsAt(offset: number): number {
    return this.numbers[this.slot(offset) * FIELDS + INTENDED_US] as number;
  }

  sentUsAt(offset: number): number {
    return this.numbers[this.slot(offset) * FIELDS + SENT_US] as number;
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
    return (this.head + offset) & (this.payloads.length - 1);
  }

  private grow(): void {
    const capacity = this.payloads.length * 2;
    const numbers = new Float64Array(capacity * FIELDS);
    const payloads: (Buffer | undefined)[] = new Array(capacity);
    for (let offset = 0; offset < this.count; offset++) {
      const slot = this.slot(offset);
      numbers.set(this.numbers.subarray(slot * FIELDS, slot * FIELDS + FIELDS), offset * FIELDS);
      payloads[offset] = this.payloads[slot];
    }
    this.numbers = numbers;
    this.payloads = payloads;
    this.head = 0;
  }
}
