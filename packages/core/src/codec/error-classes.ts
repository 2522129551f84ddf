/**
 * Error classes across the wire: which class an error is sent as, and how the receiver
 * rebuilds it without calling a user constructor.
 *
 * @module
 */
import { RegistrationError } from "./errors.ts";

type ErrorClass = new (...args: any[]) => Error;

const builtins: readonly ErrorClass[] = [
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
  AggregateError,
];
const builtinSet = new Set<unknown>(builtins);
const byName = new Map<string, ErrorClass>(builtins.map((c) => [c.name, c]));

/**
 * Keeps an error class across the wire: errors of this class (or a subclass sent from another
 * side) are revived with this class's prototype, without calling its constructor. Matching is
 * by `ctor.name`, so register the class in every thread/process that receives it (importing the
 * module that registers it is enough). Registering the same class twice is a no-op.
 *
 * Errors of classes not registered in the receiver revive as their nearest registered or
 * built-in ancestor (`Error` for a direct subclass of `Error`), keeping their original `name`.
 *
 * @throws RegistrationError when `ctor` is not an Error class, has no name, or another class
 *   already uses that name.
 *
 * @example
 * ```ts
 * import { decode, encode, registerErrorClass } from "@multiproc/core";
 * class HttpError extends Error {
 *   status: number;
 *   constructor(status: number) { super(`HTTP ${status}`); this.name = "HttpError"; this.status = status; }
 * }
 * registerErrorClass(HttpError);
 * const back = decode(encode(new HttpError(404))) as HttpError;
 * back instanceof HttpError; // true; back.status === 404
 * ```
 */
export function registerErrorClass(ctor: new (...a: any[]) => Error): void {
  if (typeof ctor !== "function" || !(ctor.prototype instanceof Error || ctor === Error)) {
    throw new RegistrationError("registerErrorClass: pass a class that extends Error.");
  }
  const name = ctor.name;
  if (typeof name !== "string" || name.length === 0) {
    throw new RegistrationError("registerErrorClass: the class has no name; the codec matches classes by name.");
  }
  const existing = byName.get(name);
  if (existing === ctor) return;
  if (existing !== undefined) {
    throw new RegistrationError(
      `registerErrorClass: another class named ${JSON.stringify(name)} is already registered` +
        (builtinSet.has(existing) ? " (a built-in error class)" : "") +
        ". Error classes are matched by name across the wire: rename one of them.",
    );
  }
  byName.set(name, ctor);
}

/**
 * The constructor names along an error's prototype chain, nearest first, ending at the first
 * built-in error class (e.g. `["HttpError", "Error"]`).
 *
 * @example
 * ```ts
 * errorClassChain(new RangeError("x")); // ["RangeError"]
 * ```
 */
export function errorClassChain(e: Error): string[] {
  const chain: string[] = [];
  for (let p: unknown = Object.getPrototypeOf(e); p !== null && p !== Object.prototype && chain.length < 32; ) {
    const ctor = Object.hasOwn(p as object, "constructor") ? (p as { constructor: unknown }).constructor : undefined;
    if (typeof ctor === "function" && typeof ctor.name === "string" && ctor.name.length > 0) {
      chain.push(ctor.name);
      if (builtinSet.has(ctor)) break;
    }
    p = Object.getPrototypeOf(p);
  }
  return chain;
}

/**
 * A new error of the first class in `chain` that is known here (or `Error`), with `message`.
 * It is a genuine error object of the nearest built-in class (so runtimes print it as an
 * error), re-prototyped to a registered class when there is one; no user constructor runs.
 *
 * @example
 * ```ts
 * const e = reviveError(["HttpError", "Error"], "HTTP 404"); // HttpError if registered, else Error
 * ```
 */
export function reviveError(chain: readonly string[], message: string): Error {
  let ctor: ErrorClass = Error;
  for (const name of chain) {
    const found = byName.get(name);
    if (found !== undefined) {
      ctor = found;
      break;
    }
  }
  let base: ErrorClass = Error;
  for (let p: unknown = ctor.prototype; p !== null && p !== undefined; p = Object.getPrototypeOf(p)) {
    const c = Object.hasOwn(p as object, "constructor") ? (p as { constructor: unknown }).constructor : undefined;
    if (builtinSet.has(c)) {
      base = c as ErrorClass;
      break;
    }
  }
  const err = base === AggregateError ? new AggregateError([], message) : new base(message);
  if (ctor !== base) Object.setPrototypeOf(err, ctor.prototype);
  return err;
}
