/**
 * The `lock` option of `Value` and `Array`, as in Python: `true` (the default) makes a new
 * `RLock`, `false` makes none, or pass an existing `Lock`/`RLock` to share it between objects.
 * Also the read-modify-write helper both use.
 *
 * @module
 */
import { Lock, RLock } from "../sync/lock.ts";

/**
 * Options of `Value` and `Array`.
 *
 * @example
 * ```ts
 * import { Array, Lock, Value } from "@multiproc/core";
 * const lock = new Lock();
 * const total = new Value("i", 0, { lock });          // share one lock between two objects
 * const parts = new Array("i", 4, { lock });
 * const fast = new Value("d", 0, { lock: false });    // no lock: getLock() throws
 * ```
 */
export interface SynchronizedOptions {
  /**
   * `true` (the default): a new `RLock`; `false`: no lock (`getLock()` and `update()` throw); or
   * an existing `Lock` or `RLock`.
   */
  lock?: boolean | Lock | RLock;
}

/** The lock the option asks for, or null for none. @internal */
export function lockFromOption(options: SynchronizedOptions | undefined, what: string): Lock | RLock | null {
  const lock = options?.lock ?? true;
  if (lock === true) return new RLock();
  if (lock === false) return null;
  if (lock instanceof Lock || lock instanceof RLock) return lock;
  throw new TypeError(`${what}: the lock option must be true, false, a Lock or an RLock; got ${String(lock)}`);
}

/** The lock, or the error for an object made with `{ lock: false }`. @internal */
export function requireLock(lock: Lock | RLock | null, what: string, method: string): Lock | RLock {
  if (lock !== null) return lock;
  throw new TypeError(
    `${what}.${method}(): this ${what} was created with { lock: false } and has no lock. ` +
      `Create it with a lock (the default, or { lock: someLock }), or use a Lock of your own around it.`,
  );
}

/**
 * Runs `fn` after every earlier call made with the same `queue` has settled: what keeps two
 * read-modify-writes of one thread apart. (An `RLock` is held per thread, so two async callers on
 * the same thread would both "hold" it at once.) Returns the next tail of the queue too.
 *
 * @internal
 */
export function serially<R>(queue: Promise<unknown>, fn: () => Promise<R>): { result: Promise<R>; tail: Promise<unknown> } {
  const result = queue.then(fn);
  return { result, tail: result.catch(() => undefined) };
}
