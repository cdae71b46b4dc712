// How one load is shared out over parts (shards on many machines, worker threads in one process), in the
// manner of k6's execution segments: a part owns the connections [first, end) of the whole and every
// other share is cut at the same fractions of the whole, so the shares add up exactly, nothing lost to rounding.

import { registerErrorClass, SockbenchError } from "../../../errors.js";

/** Shard `index` (from 0, as Kubernetes' JOB_COMPLETION_INDEX counts) of `count` equal shards. */
export interface Shard {
  index: number;
  count: number;
}

/** The connections a part of a load opens: ids first .. first + count - 1 of `total`. */
export interface ConnectionSlice {
  first: number;
  count: number;
  total: number;
}

export class LoadShareError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_LOAD_SHARE";
}
registerErrorClass(LoadShareError);

export const MAX_SHARDS = 10_000;

/** `I/N`: shard I (0 to N-1) of N. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new LoadShareError(
      `expected a shard as I/N with N from 1 to ${MAX_SHARDS} and I from 0 to N-1 (counting from 0, as JOB_COMPLETION_INDEX does), got ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** floor(total * numerator / denominator), exact for every safe integer (a double product would round). */
export function cutAt(total: number, numerator: number, denominator: number): number {
  return Number((BigInt(total) * BigInt(numerator)) / BigInt(denominator));
}

/** Part `index` of `parts` nearly equal parts of `slice` (the whole load, or a shard of it). */
export function subSlice(slice: ConnectionSlice, index: number, parts: number): ConnectionSlice {
  const first = slice.first + cutAt(slice.count, index, parts);
  const end = slice.first + cutAt(slice.count, index + 1, parts);
  return { first, count: end - first, total: slice.total };
}

export function wholeSlice(connections: number): ConnectionSlice {
  return { first: 0, count: connections, total: connections };
}

/** The connections of one shard of a load of `connections`; refused when some shard would get none. */
export function shardSlice(connections: number, shard: Shard): ConnectionSlice {
  if (shard.count > connections) {
    throw new LoadShareError(
      `${shard.count} shards need at least ${shard.count} connections (one each), got ${connections}`,
    );
  }
  return subSlice(wholeSlice(connections), shard.index, shard.count);
}

/** The slice's share of `amount` requests, cut where its connections are cut: the shares add up to `amount`. */
export function amountShare(amount: number, slice: ConnectionSlice): number {
  return cutAt(amount, slice.first + slice.count, slice.total) - cutAt(amount, slice.first, slice.total);
}

/**
 * How many of the requests numbered 0 .. before-1 fall on the slice, when request k goes to connection
 * k mod total (the open loop's rule): the slices' counts add up to `before`.
 */
export function requestsOnSlice(before: number, slice: ConnectionSlice): number {
  const rounds = Math.floor(before / slice.total);
  const rest = before - rounds * slice.total;
  return rounds * slice.count + Math.min(slice.count, Math.max(0, rest - slice.first));
}

/** The first request number at or after `from` that goes to a connection of the slice. */
export function nextRequestOnSlice(from: number, slice: ConnectionSlice): number {
  const connection = from % slice.total;
  if (connection < slice.first) return from - connection + slice.first;
  if (connection < slice.first + slice.count) return from;
  return from - connection + slice.total + slice.first;
}
