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

/**
 * After taking the lock, when its DEAD_PID cell was not 0: if its last holder died holding it,
 * free it again and report that once.
 */
export function reportAbandoned(c: Int32Array): void {
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

/**
 * The acquire algorithm, written once; `acquire` and `acquireSync` run it (see `wait-plan.ts`).
 * A taken lock is slept on at once, without spinning on its state first: while another thread
 * holds it, every read of its memory takes the cache line away from the holder, whose next
 * write must fetch it back. Two threads incrementing a counter under the lock (`pnpm bench
 * lock-counter`) went from 34–42 % to 43–48 % of a bare futex mutex's rate without the spin of
 * 200 reads that this algorithm had; the async API did not move (1.06 vs 0.95 M/s).
 */
function* acquirePlan(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): WaitPlan<boolean> {
  const until = checkOptions(options);
  if (reentered(c, holder, reentrant)) return true;
  for (;;) {
    if (takeFree(c, holder)) return true;
    const changed = yield* waitForRelease(c, until);
    if (!changed) return takeFree(c, holder);
  }
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
  return takeFree(c, holder) || reentered(c, holder, reentrant);
}

/**
 * Takes the lock if it is free, in one call (the recursion count becomes 1): the first thing a
 * blocking acquire tries, and all that a lock taken in turn by threads that each hold it briefly
 * needs. (A counter under a lock runs this path 100,000 times in a few milliseconds, mostly
 * before the JIT has optimised it: every call on the way costs there. Two threads × 100,000
 * increments under a lock, when this function stopped calling another to take the lock: 20
 * alternating runs, Bun 5.70 → 6.28 M/s, Deno 4.03 → 4.28; Node 4.38 → 4.06, within its noise
 * (12 runs earlier: 3.29 → 3.71).)
 *
 * @throws AbandonedLockError once, if the last holder died holding it (the lock is then free).
 *
 * @example
 * ```ts
 * if (!takeFree(cells, localHolder())) waitToAcquireSync(cells, localHolder(), NO_OPTIONS, false);
 * ```
 */
export function takeFree(c: Int32Array, holder: number): boolean {
  if (Atomics.compareExchange(c, STATE, 0, 1) !== 0) return false;
  // Plain writes: the next holder reads them only after this holder's release, whose exchange of
  // STATE orders them (a sequentially consistent store costs as much as the whole exchange). A
  // thread reading HOLDER never sees its own token again after it wrote 0 over it at release.
  c[HOLDER] = holder;
  c[COUNT] = 1;
  // A plain read first (the exchange in reportAbandoned would make every acquire write to the
  // line): the STATE exchange that took the lock orders it after the parent's write of DEAD_PID.
  if (c[DEAD_PID] !== 0) reportAbandoned(c);
  return true;
}

/** Acquires synchronously, blocking the calling thread (the thread-only `acquireSync`). */
export function acquireSync(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): boolean {
  return takenAtOnce(c, holder, options, reentrant) || waitToAcquireSync(c, holder, options, reentrant);
}

/**
 * Acquires synchronously after {@link takeFree} found the lock taken: straight to the plan (which
 * re-enters a lock this thread holds), without touching the lock's memory again first — while
 * another thread holds it, every read of that memory slows the holder down.
 *
 * @example
 * ```ts
 * const got = takeFree(cells, holder) || waitToAcquireSync(cells, holder, { timeout: 100 }, true);
 * ```
 */
export function waitToAcquireSync(c: Int32Array, holder: number, options: AcquireOptions, reentrant: boolean): boolean {
  return runPlanSync(acquirePlan(c, holder, options, reentrant));
}

/**
 * Releases. A plain lock may be released by anyone (as in Python); a re-entrant one only by its
 * holder, once per acquire.
 */
export function release(c: Int32Array, holder: number, reentrant: boolean): void {
  if (reentrant) {
    // A plain read of HOLDER: only this thread ever writes its own token there, and clears it
    // when it releases (a holder that died has it cleared by forceRelease).
    if (c[HOLDER] !== holder) throw new SyncStateError("cannot release un-acquired lock");
    if ((c[COUNT]! -= 1) > 0) return;
  }
  // Plain writes, ordered before the exchange below (see takeFree). On a lock that is not held
  // they write the zeros that are there.
  c[HOLDER] = 0;
  c[COUNT] = 0;
  // The exchange also says whether the lock was held: reading the state first (an atomic load)
  // cost as much as the rest of a release (one thread, 5 million lock/unlock pairs: Bun 16 → 25
  // ns, Node 27 → 35 ns per pair). Notify only when a waiter said it sleeps (state 2). Every
  // sleeper is woken: one that finds the lock taken again marks it 2 again before it sleeps, so
  // no wake-up is lost.
  const was = Atomics.exchange(c, STATE, 0);
  if (was === 2) Atomics.notify(c, STATE);
  else if (was === 0) throw new SyncStateError(reentrant ? "cannot release un-acquired lock" : "release unlocked lock");
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
