/**
 * Scoped holding, shared by `Lock`, `RLock` and `Semaphore`: `hold()` for `await using`, and
 * `withLock(fn)`.
 *
 * @internal
 * @module
 */
import { LockTimeoutError } from "./errors.ts";

/**
 * Something held, released when disposed: what `hold()` returns, for `await using`.
 *
 * @example
 * ```ts
 * {
 *   await using _held = await lock.hold();
 *   // … the lock is held here, and released at the end of the block, even if it throws
 * }
 * ```
 */
export interface HeldLock extends AsyncDisposable {
  /** Releases it (at most once; disposing afterwards does nothing). */
  release(): Promise<void>;
}

/** What can be held: an acquire that may time out, and a release. */
export interface Holdable {
  acquire(options: { timeout?: number }): Promise<boolean>;
  release(): Promise<void>;
}

/** Acquires `target` and returns a guard that releases it once. */
export async function hold(target: Holdable, what: string, options: { timeout?: number }): Promise<HeldLock> {
  if (!(await target.acquire({ timeout: options.timeout }))) {
    throw new LockTimeoutError(`could not acquire the ${what} within ${options.timeout} ms`);
  }
  let released = false;
  const releaseOnce = async (): Promise<void> => {
    if (released) return;
    released = true;
    await target.release();
  };
  return { release: releaseOnce, [Symbol.asyncDispose]: releaseOnce };
}

/** Runs `fn` while holding `target`, releasing it afterwards even if `fn` throws. */
export async function withHeld<T>(target: Holdable, what: string, fn: () => T | Promise<T>, options: { timeout?: number }): Promise<T> {
  const held = await hold(target, what, options);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}
