/**
 * The lock algorithm on shared memory, used by `Lock`, `RLock` and `Condition`. Five 32-bit cells:
 * the state (0 free, 1 held, 2 held with waiters: a waiter sets it before it sleeps, so that a
 * release notifies only when someone waits), the holder's token, the pid of a holder that died holding it (0 if
 * none), whether that holder was a thread, and the recursion count (RLock).
 *
 * @internal
 * @module
 */
import { AbandonedLockError, SyncStateError } from "./errors.ts";
import { deadline } from "./futex.ts";
import { runPlan, runPlanSync, type WaitPlan, type WaitStep } from "./wait-plan.ts";

/** Cell indexes. */
export const STATE = 0;
export const HOLDER = 1;
export const DEAD_PID = 2;
export const DEAD_WAS_THREAD = 3;
export const COUNT = 4;
/** How many cells a lock needs. */
export const LOCK_CELLS = 5;

/** Options of `acquire`, as in Python: `blocking` (default true) and `timeout` in ms. */
export interface AcquireOptions {
  /** Wait for the lock (the default) or return false at once if it is taken. */
  blocking?: boolean;
  /** The longest wait in milliseconds; a negative timeout acts as 0. Only with `blocking`. */
  timeout?: number;
}

/** The default options, shared: a fresh `{}` per call would be garbage on the fast path. */
export const NO_OPTIONS: AcquireOptions = Object.freeze({});

function checkOptions(options: AcquireOptions): number {
  if (options === null || typeof options !== "object") throw new TypeError("acquire(options): options must be an object");
  if (options.blocking === false) {
    if (options.timeout !== undefined) throw new TypeError("acquire(): a timeout cannot be given for a non-blocking call");
    return 0;
  }
  return deadline(options.timeout);
}

/** Takes the lock if it is free; the recursion count becomes 1. */
function tryTake(c: Int32Array, holder: number): boolean {
  if (Atomics.compareExchange(c, STATE, 0, 1) !== 0) return false;
  // Plain writes: the next holder reads them only after this holder's release, whose exchange of
  // STATE orders them (a sequentially consistent store costs as much as the whole exchange). A
  // thread reading HOLDER never sees its own token again after it wrote 0 over it at release.
  c[HOLDER] = holder;
  c[COUNT] = 1;
  return true;
}

/**
 * After taking the lock: if its last holder died holding it, free it again and report that once.
 */
function reportAbandoned(c: Int32Array): void {
  // A plain read first (the exchange would make every acquire write to the line): the STATE
  // exchange that took the lock orders it after the parent's write of DEAD_PID.
  if (c[DEAD_PID] === 0) return;
  const pid = Atomics.exchange(c, DEAD_PID, 0);
  if (pid === 0) return;
  const thread = Atomics.load(c, DEAD_WAS_THREAD) === 1;
  forceRelease(c);
  throw new AbandonedLockError(pid, thread);
}

function reentered(c: Int32Array, holder: number, reentrant: boolean): boolean {
  if (!reentrant || Atomics.load(c, STATE) === 0 || Atomics.load(c, HOLDER) !== holder) return false;
  c[COUNT]! += 1; // only the holder touches the count while it holds the lock
  return true;
}

/** The acquire algorithm, written once; `acquire` and `acquireSync` run it (see `wait-plan.ts`). */
function* acquirePlan(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): WaitPlan<boolean> {
  const until = checkOptions(options);
  if (reentered(c, holder, reentrant)) return true;
  let spins = options.blocking === false ? 0 : SPINS_BEFORE_SLEEP;
  for (;;) {
    if (tryTake(c, holder)) break;
    if (spins > 0 && freedWhileSpinning(c, spins)) {
      spins = 0; // once per acquire: a lock that is taken again at once is worth sleeping on
      continue;
    }
    const changed = yield* waitForRelease(c, until);
    if (!changed) {
      if (!tryTake(c, holder)) return false;
      break;
    }
  }
  reportAbandoned(c);
  return true;
}

/**
 * How many times an acquire reads a taken lock's state before it sleeps. A critical section
 * around a counter lasts tens of nanoseconds, and sleeping and being woken takes the kernel
 * 10–250 µs: a spin of this length (~0.2–1 µs) catches most releases (2 threads × 100,000
 * increments: measured with `pnpm bench lock-counter`).
 */
const SPINS_BEFORE_SLEEP = 200;

/** Whether the lock was seen free within `spins` reads of its state. */
function freedWhileSpinning(c: Int32Array, spins: number): boolean {
  for (let i = 0; i < spins; i++) if (Atomics.load(c, STATE) === 0) return true;
  return false;
}

/** Acquires asynchronously: never blocks the event loop. */
export async function acquire(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): Promise<boolean> {
  return takenAtOnce(c, holder, options, reentrant) || runPlan(acquirePlan(c, holder, options, reentrant));
}

/**
 * The uncontended case, without building a wait plan: takes a free lock (or re-enters one) when
 * the options are the usual ones. False sends the caller to the plan, which also checks the
 * options and reports errors.
 */
function takenAtOnce(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): boolean {
  if (options !== NO_OPTIONS && (options === null || typeof options !== "object" || options.timeout !== undefined || options.blocking === false)) {
    return false;
  }
  // The exchange first: it succeeds only on a free lock, which its holder cannot be re-entering.
  if (tryTake(c, holder)) {
    reportAbandoned(c);
    return true;
  }
  return reentered(c, holder, reentrant);
}

/** Acquires synchronously, blocking the calling thread (the thread-only `acquireSync`). */
export function acquireSync(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): boolean {
  return takenAtOnce(c, holder, options, reentrant) || runPlanSync(acquirePlan(c, holder, options, reentrant));
}

/**
 * Releases. A plain lock may be released by anyone (as in Python); a re-entrant one only by its
 * holder, once per acquire.
 */
export function release(c: Int32Array, holder: number, reentrant: boolean): void {
  if (reentrant) {
    // A plain read of HOLDER: only this thread ever writes its own token there.
    if (c[HOLDER] !== holder || Atomics.load(c, STATE) === 0) {
      throw new SyncStateError("cannot release un-acquired lock");
    }
    if ((c[COUNT]! -= 1) > 0) return;
  } else if (Atomics.load(c, STATE) === 0) {
    throw new SyncStateError("release unlocked lock");
  }
  // Plain writes, ordered before the exchange below (see tryTake).
  c[HOLDER] = 0;
  c[COUNT] = 0;
  // Notify only when a waiter said it sleeps (state 2). Every sleeper is woken: one that finds the
  // lock taken again marks it 2 again before it sleeps, so no wake-up is lost.
  if (Atomics.exchange(c, STATE, 0) === 2) Atomics.notify(c, STATE);
}

/**
 * One wait for the lock to be released: marks it contended (state 2) and sleeps while it stays
 * held. Yields the plan's answer: whether the state changed before `until`.
 *
 * @param c - the lock's cells.
 * @param until - the deadline, from `deadline()`.
 * @returns whether it changed (false: timed out).
 */
export function* waitForRelease(c: Int32Array, until: number): Generator<WaitStep, boolean, unknown> {
  const state = Atomics.compareExchange(c, STATE, 1, 2);
  if (state === 0) return true;
  return (yield { cells: c, index: STATE, expected: 2, until }) as boolean;
}

/**
 * Frees the lock whoever holds it, and wakes the waiters: all of them, because a waiter in a
 * worker thread that was terminated can swallow a wake-up meant for one (seen on Deno); each
 * waiter retries, and one wins.
 */
export function forceRelease(c: Int32Array): void {
  Atomics.store(c, HOLDER, 0);
  Atomics.store(c, COUNT, 0);
  Atomics.store(c, STATE, 0);
  Atomics.notify(c, STATE);
}

/** Whether `holder` holds the lock. */
export function isHeldBy(c: Int32Array, holder: number): boolean {
  return Atomics.load(c, STATE) !== 0 && Atomics.load(c, HOLDER) === holder;
}

/**
 * Releases a lock whose holder died, recording who, so that the next acquirer is told (see
 * {@link AbandonedLockError}). Does nothing unless `holder` holds it.
 */
export function abandon(c: Int32Array, holder: number, pid: number, thread: boolean): void {
  if (!isHeldBy(c, holder)) return;
  Atomics.store(c, DEAD_WAS_THREAD, thread ? 1 : 0);
  Atomics.store(c, DEAD_PID, pid);
  forceRelease(c);
}
