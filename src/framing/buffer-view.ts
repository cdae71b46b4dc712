// Cheap Buffer views for the decoders' hot paths. Buffer#subarray() reaches Node's FastBuffer through a
// Symbol.species getter that V8 does not optimise (~70 ns a view on Node 20, measured in bench/codecs.ts's
// small-frame cases); constructing that FastBuffer directly gives the same Buffer for a third of the cost.

type BufferConstructorOfView = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer;

function findViewConstructor(): BufferConstructorOfView | undefined {
  const species: unknown = (Buffer as unknown as Record<symbol, unknown>)[Symbol.species];
  if (typeof species !== "function") return undefined;
  try {
    const probe = new (species as BufferConstructorOfView)(new ArrayBuffer(2), 1, 1);
    return Buffer.isBuffer(probe) && probe.byteOffset === 1 && probe.length === 1
      ? (species as BufferConstructorOfView)
      : undefined;
  } catch {
    return undefined;
  }
}

const ViewConstructor = findViewConstructor();

/** A Buffer over `length` bytes of `arrayBuffer` from `byteOffset` (what Buffer.from(arrayBuffer, byteOffset, length) returns). */
export const arrayBufferView: (arrayBuffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer =
  ViewConstructor === undefined
    ? (arrayBuffer, byteOffset, length) => Buffer.from(arrayBuffer, byteOffset, length)
    : (arrayBuffer, byteOffset, length) => new ViewConstructor(arrayBuffer, byteOffset, length);

/** Bytes `start` to `end` of `source` as a Buffer sharing its memory (what source.subarray(start, end) returns). */
export function bufferView(source: Buffer, start: number, end: number): Buffer {
  return arrayBufferView(source.buffer, source.byteOffset + start, end - start);
}
