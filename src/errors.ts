// The base of every error sockbench throws on purpose, with one scheme of stable codes (SOCKBENCH_ERR_*),
// and how such an error crosses a worker thread's boundary and comes back as its own class.

/** A class of sockbench error: its stable `code` is a static of the class, read by the base's constructor. */
export interface SockbenchErrorClass {
  readonly code: string;
  readonly prototype: SockbenchError;
}

/**
 * Every error sockbench throws for a cause a caller can act on (bad usage, an unreachable target, a file
 * that is no result) extends this; anything else that escapes is a bug. `code` never changes for a class,
 * as undici's `UND_ERR_*` codes; the message may be reworded.
 */
export class SockbenchError extends Error {
  static readonly code: string = "SOCKBENCH_ERR";
  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as unknown as SockbenchErrorClass).code;
  }
}

const classesByCode = new Map<string, SockbenchErrorClass>();

/** Makes `errorClass` one `rebuildError` can bring back; each class calls it once, in a static block. */
export function registerErrorClass(errorClass: SockbenchErrorClass): void {
  const known = classesByCode.get(errorClass.code);
  if (known !== undefined && known !== errorClass)
    throw new Error(`two error classes claim ${errorClass.code}`);
  classesByCode.set(errorClass.code, errorClass);
}

/** An error as it crosses a thread: what structured clone keeps of it, plus its own fields. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  fields: Record<string, unknown>;
}

/**
 * A structured clone keeps an error's message and stack but makes any class a plain Error and drops
 * its fields (`code`, `kind`, `option`); this keeps them all for `rebuildError`.
 */
export function serializeError(thrown: unknown): SerializedError {
  if (!(thrown instanceof Error)) return { name: "Error", message: String(thrown), fields: {} };
  const { name, message, stack } = thrown;
  const { code, ...fields } = { ...thrown } as Record<string, unknown>;
  delete fields.name;
  return {
    name,
    message,
    ...(stack !== undefined ? { stack } : {}),
    ...(typeof code === "string" ? { code } : {}),
    fields,
  };
}

/** The error `serializeError` saw, as its own class when that class is registered in this thread. */
export function rebuildError(serialized: SerializedError): Error {
  const errorClass = serialized.code === undefined ? undefined : classesByCode.get(serialized.code);
  // The constructors differ in their arguments; the fields are what make an instance, so none is called.
  const error: Error =
    errorClass === undefined ? new Error(serialized.message) : Object.create(errorClass.prototype);
  Object.assign(error, serialized.fields, {
    message: serialized.message,
    name: serialized.name,
    ...(serialized.code !== undefined ? { code: serialized.code } : {}),
  });
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
