/**
 * Errors of the synchronisation primitives, named after Python's.
 *
 * @module
 */
import { registerErrorClass } from "../codec/index.ts";

/**
 * A lock, semaphore or condition was used in a way its state does not allow: releasing an
 * unlocked lock, releasing an `RLock` you do not hold, over-releasing a `BoundedSemaphore`,
 * waiting on or notifying a `Condition` without holding its lock. Python raises `RuntimeError` or
 * `ValueError` for these.
 *
 * @example
 * ```ts
 * import { Lock, SyncStateError } from "@multiproc/core";
 * const lock = new Lock();
 * try {
 *   await lock.release();
 * } catch (err) {
 *   if (err instanceof SyncStateError) console.log(err.message); // "release unlocked lock"
 * }
 * ```
 */
export class SyncStateError extends Error {
  /** @param message - what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = "SyncStateError";
  }
}

/**
 * The process or thread that held a lock died while holding it. The lock has been released, and
 * this error goes to the next process that acquires it — once — because the state the lock
 * protected may be half-updated. Check that state, then acquire the lock again. (Python's
 * `multiprocessing` would deadlock here instead.)
 *
 * @example
 * ```ts
 * import { AbandonedLockError } from "@multiproc/core";
 * try {
 *   await lock.acquire();
 * } catch (err) {
 *   if (!(err instanceof AbandonedLockError)) throw err;
 *   repairSharedState();
 *   await lock.acquire();
 * }
 * ```
 */
export class AbandonedLockError extends Error {
  /** The pid of the process that died holding the lock (for a worker thread, its process's pid). */
  readonly holderPid: number;
  /**
   * @param holderPid - the pid of the process that died holding the lock.
   * @param thread - whether the holder was a worker thread.
   */
  constructor(holderPid: number, thread = false) {
    super(
      `the ${thread ? "worker thread" : "process"} (pid ${holderPid}) that held this lock died while holding it. ` +
        "The lock has been released, but the state it protected may be inconsistent: check it, then acquire the lock again.",
    );
    this.name = "AbandonedLockError";
    this.holderPid = holderPid;
  }
}

/**
 * A `Barrier` is broken: a waiter timed out, it was aborted or reset, or its action threw.
 * Python's `threading.BrokenBarrierError`.
 *
 * @example
 * ```ts
 * import { BrokenBarrierError } from "@multiproc/core";
 * try {
 *   await barrier.wait();
 * } catch (err) {
 *   if (err instanceof BrokenBarrierError) console.log("the barrier broke:", err.message);
 * }
 * ```
 */
export class BrokenBarrierError extends Error {
  /** @param message - why the barrier broke. */
  constructor(message = "the barrier is broken") {
    super(message);
    this.name = "BrokenBarrierError";
  }
}

registerErrorClass(SyncStateError);
registerErrorClass(AbandonedLockError);
registerErrorClass(BrokenBarrierError);

/**
 * A lock could not be acquired within the timeout given to `hold()` or `withLock()` (plain
 * `acquire()` returns false instead, as in Python).
 *
 * @example
 * ```ts
 * import { LockTimeoutError } from "@multiproc/core";
 * try {
 *   await lock.withLock(work, { timeout: 100 });
 * } catch (err) {
 *   if (err instanceof LockTimeoutError) console.log("busy, try later");
 * }
 * ```
 */
export class LockTimeoutError extends Error {
  /** @param message - what timed out. */
  constructor(message: string) {
    super(message);
    this.name = "LockTimeoutError";
  }
}

registerErrorClass(LockTimeoutError);
