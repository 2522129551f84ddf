/**
 * The codec's error classes. Each one names what went wrong and what to do about it.
 *
 * @module
 */

/**
 * A value cannot be sent to another thread or process. Thrown by `encode()` (and so by
 * `start()`, `put()`, `send()` …) before anything crosses the boundary, with the path of the
 * offending part of the value.
 *
 * @example
 * ```ts
 * import { encode, SerializationError } from "@multiproc/core";
 * try {
 *   encode([1, { handler: () => {} }], { path: "args" });
 * } catch (e) {
 *   if (e instanceof SerializationError) console.log(e.path); // "args[1].handler"
 *   // e.message: "cannot send args[1].handler: function is not serialisable. Pass data, or a task(...) reference."
 * }
 * ```
 */
export class SerializationError extends TypeError {
  /** Where in the value the problem is, starting at the root name (e.g. `"args[1].handler"`). */
  readonly path: string;

  /**
   * @param path - where the unsendable part is, e.g. `args[1].handler`.
   * @param reason - what is wrong and what to do instead (one or two sentences).
   */
  constructor(path: string, reason: string) {
    super(`cannot send ${path}: ${reason}`);
    this.name = "SerializationError";
    this.path = path;
  }
}

/**
 * A message cannot be decoded: it is truncated, corrupt, or was made by an incompatible
 * version of the codec. Thrown by `decode()` and `decodeFromBytes()`; they never return a
 * partial or guessed value.
 *
 * @example
 * ```ts
 * import { decodeFromBytes, DeserializationError } from "@multiproc/core";
 * try {
 *   decodeFromBytes(new Uint8Array([1, 2, 3]));
 * } catch (e) {
 *   console.log(e instanceof DeserializationError); // true: "… truncated …"
 * }
 * ```
 */
export class DeserializationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeserializationError";
  }
}

/**
 * A message holds a handle (a Lock, Queue, Connection …) whose kind has no reviver registered
 * in the receiving thread or process: the module that defines it was not imported there.
 *
 * @example
 * ```ts
 * import { decode, encode, reduceSymbol, UnknownHandleError } from "@multiproc/core";
 * const thing = { [reduceSymbol]: () => ({ kind: "example:Nowhere", state: null }) };
 * try {
 *   decode(encode(thing));
 * } catch (e) {
 *   if (e instanceof UnknownHandleError) console.log(e.kind); // "example:Nowhere"
 * }
 * ```
 */
export class UnknownHandleError extends DeserializationError {
  /** The handle kind that has no reviver here. */
  readonly kind: string;

  constructor(kind: string) {
    const colon = kind.lastIndexOf(":");
    const module = colon > 0 ? kind.slice(0, colon) : undefined;
    const fix =
      module !== undefined
        ? `Import "${module}" in this thread/process before receiving it: that module registers the kind when it loads.`
        : `Import the module that calls registerHandle(${JSON.stringify(kind)}, …) in this thread/process before receiving it.`;
    super(`cannot receive a handle of kind ${JSON.stringify(kind)}: no reviver is registered for it here. ${fix}`);
    this.name = "UnknownHandleError";
    this.kind = kind;
  }
}

/**
 * A handle kind or error class could not be registered (a duplicate or an invalid argument).
 *
 * @example
 * ```ts
 * import { registerHandle, RegistrationError } from "@multiproc/core";
 * registerHandle("example:Thing", (s) => s);
 * try {
 *   registerHandle("example:Thing", (s) => s);
 * } catch (e) {
 *   console.log(e instanceof RegistrationError); // true
 * }
 * ```
 */
export class RegistrationError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "RegistrationError";
  }
}

/**
 * A byte stream does not follow the length-prefixed framing: a frame is larger than the
 * reader accepts, or a payload is too large to frame.
 *
 * @example
 * ```ts
 * import { FrameError, FrameReader } from "@multiproc/core";
 * const reader = new FrameReader({ maxPayloadBytes: 16 });
 * try {
 *   reader.push(new Uint8Array([0, 0, 1, 0])); // announces a 256-byte payload
 * } catch (e) {
 *   console.log(e instanceof FrameError); // true
 * }
 * ```
 */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

/**
 * Whether an error is the RangeError V8 and JavaScriptCore throw when the call stack is
 * exhausted (the codec turns it into a clear "nested too deeply" error).
 *
 * @example
 * ```ts
 * const f = (): number => f() + 1;
 * try { f(); } catch (e) { isStackOverflow(e); } // true
 * ```
 */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}
