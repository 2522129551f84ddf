/**
 * `Condition`: Python's `multiprocessing.Condition`, for both contexts.
 *
 * Exact, FIFO wake-ups, as in Python (whose condition keeps a queue of waiters). `Atomics.notify(n)`
 * alone cannot give them: a waiter that has released the lock but not yet started waiting would be
 * missed, one that timed out would swallow a wake-up, and a waiter arriving after a notify could
 * take the wake-up meant for an earlier one. So the condition's memory is a table of waiter slots,
 * each with its own state cell (free, claiming, waiting, notified), the waiter's ticket (arrival
 * order) and its holder token. A waiter claims a slot while it still holds the lock, so a notify —
 * also made holding the lock — sees every waiter that arrived before it and none that came
 * after; `notify(n)` moves the `n` oldest waiting slots to *notified* with a compare-exchange and
 * wakes each slot's cell. A waiter that times out moves its own slot from *waiting* to *free*; if
 * that fails, it was notified just in time and counts as notified. The table also tells whose
 * waits a dead process or an ended worker thread left behind, so those are cleaned up (and a
 * notify that went to a dead waiter is passed on to the next).
 *
 * @module
 */
import type { Peer } from "../remote/objects.ts";
import { AbandonedLockError, SyncStateError } from "./errors.ts";
import { deadline, remaining, wake } from "./futex.ts";
import { alwaysThere, GonePeers, watchThreadExits, type HolderWatcher, type StillThere } from "./gone.ts";
import { holderOf, localHolder } from "./holder.ts";
import { Lock, RLock, type AcquireOptions, type HeldLock } from "./lock.ts";
import { acquireSync, COUNT, forceRelease, isHeldBy, STATE, NO_OPTIONS, waitForRelease } from "./lock-cells.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "./primitive.ts";
import { runPlan, runPlanSync, type WaitPlan } from "./wait-plan.ts";

/** The next ticket. */
const NEXT_TICKET = 0;
/** One past the highest slot ever claimed (notify scans no further). */
const HIGH = 1;
/** Where the slots start; each has three cells. */
const SLOTS = 2;
const SLOT_CELLS = 3;
/** The most waiters one condition holds at once. */
const MAX_WAITERS = 1024;
const CELLS = SLOTS + SLOT_CELLS * MAX_WAITERS;

/** Slot states. */
const FREE = 0;
const CLAIMING = 1;
const WAITING = 2;
const NOTIFIED = 3;

const stateCell = (slot: number): number => SLOTS + SLOT_CELLS * slot;
const ticketCell = (slot: number): number => SLOTS + SLOT_CELLS * slot + 1;
const holderCell = (slot: number): number => SLOTS + SLOT_CELLS * slot + 2;

/** Takes a free slot for a waiter that holds the lock, and returns it. */
function claim(c: Int32Array, holder: number): number {
  for (let slot = 0; slot < MAX_WAITERS; slot++) {
    if (Atomics.compareExchange(c, stateCell(slot), FREE, CLAIMING) !== FREE) continue;
    Atomics.store(c, ticketCell(slot), Atomics.add(c, NEXT_TICKET, 1));
    Atomics.store(c, holderCell(slot), holder);
    if (slot >= Atomics.load(c, HIGH)) Atomics.store(c, HIGH, slot + 1);
    Atomics.store(c, stateCell(slot), WAITING);
    return slot;
  }
  throw new RangeError(`a Condition can hold at most ${MAX_WAITERS} waiters at once`);
}

/** Wakes the `n` oldest waiters (fewer if fewer wait). */
function notifyOldest(c: Int32Array, n: number): void {
  if (n <= 0) return;
  const waiting: Array<[ticket: number, slot: number]> = [];
  const high = Atomics.load(c, HIGH);
  for (let slot = 0; slot < high; slot++) {
    if (Atomics.load(c, stateCell(slot)) === WAITING) waiting.push([Atomics.load(c, ticketCell(slot)), slot]);
  }
  // Tickets are 32-bit and may wrap: compare their difference.
  waiting.sort((a, b) => (a[0] - b[0]) | 0);
  let woken = 0;
  for (const [, slot] of waiting) {
    if (woken === n) break;
    // It may have timed out since the scan: then the next one is woken instead.
    if (Atomics.compareExchange(c, stateCell(slot), WAITING, NOTIFIED) !== WAITING) continue;
    wake(c, stateCell(slot));
    woken++;
  }
}

/**
 * A waiter that will not go on (its process or thread is gone) frees its slot; a notify it had
 * received goes to the next waiter instead.
 */
function abandonSlot(c: Int32Array, slot: number): void {
  if (Atomics.compareExchange(c, stateCell(slot), WAITING, FREE) === WAITING) return;
  const state = Atomics.exchange(c, stateCell(slot), FREE);
  if (state === NOTIFIED) notifyOldest(c, 1);
}

function checkCount(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`notify(n): n must be a non-negative integer, got ${String(n)}`);
  return n;
}

/**
 * Takes the lock back after a wait, restoring an RLock's recursion count. Returns false, without
 * the lock, if the caller's process has gone meanwhile.
 */
function* reacquirePlan(lock: Int32Array, holder: number, reentrant: boolean, saved: number, there: StillThere): WaitPlan<boolean> {
  let abandoned: unknown;
  for (;;) {
    if (!there()) return false;
    try {
      // A non-blocking attempt never blocks; the waiting is this plan's.
      if (acquireSync(lock, holder, { blocking: false }, reentrant)) break;
    } catch (error) {
      // Its last holder died holding it: it is free now; take it, then tell the caller.
      if (!(error instanceof AbandonedLockError)) throw error;
      abandoned ??= error;
      continue;
    }
    yield* waitForRelease(lock, Infinity);
  }
  if (!there()) {
    // The caller's process died while this thread took the lock back for it.
    forceRelease(lock);
    return false;
  }
  if (reentrant) Atomics.add(lock, COUNT, saved - 1);
  if (abandoned !== undefined) throw abandoned;
  return true;
}

/**
 * The whole of `wait()`: check the lock is held, take a slot, release the lock fully, wait to be
 * notified (or the deadline), take the lock back.
 */
function* waitPlan(c: Int32Array, lock: Int32Array, holder: number, reentrant: boolean, until: number, there: StillThere): WaitPlan<boolean> {
  if (!isHeldBy(lock, holder)) throw new SyncStateError("cannot wait on un-acquired lock");
  const slot = claim(c, holder);
  const saved = Atomics.load(lock, COUNT);
  forceRelease(lock);
  let notified: boolean;
  for (;;) {
    if (!there()) {
      abandonSlot(c, slot);
      return false;
    }
    if (Atomics.load(c, stateCell(slot)) === NOTIFIED) {
      Atomics.store(c, stateCell(slot), FREE);
      notified = true;
      break;
    }
    const changed = yield { cells: c, index: stateCell(slot), expected: WAITING, until };
    if (changed !== true) {
      // Timed out: leave, unless a notify came just in time.
      notified = Atomics.compareExchange(c, stateCell(slot), WAITING, FREE) !== WAITING;
      if (notified) Atomics.store(c, stateCell(slot), FREE);
      break;
    }
  }
  if (!(yield* reacquirePlan(lock, holder, reentrant, saved, there))) {
    // The caller's process died after it was notified: the notify goes to the next waiter.
    if (notified) notifyOldest(c, 1);
    return false;
  }
  return notified;
}

function notifyChecked(c: Int32Array, lock: Int32Array, holder: number, n: number): void {
  if (!isHeldBy(lock, holder)) throw new SyncStateError("cannot notify on un-acquired lock");
  notifyOldest(c, n);
}

/** The memory of a lock, when it is here (SharedPrimitive's protected `cells`, read from a sibling class). */
function cellsOf(lock: Lock | RLock): Int32Array | undefined {
  return (lock as unknown as { readonly cells: Int32Array | undefined }).cells;
}

/** Options of {@link Condition.wait} and {@link Condition.waitFor}. */
export interface ConditionWaitOptions {
  /** The longest wait in milliseconds; a negative timeout acts as 0. Waits forever by default. */
  timeout?: number;
}

function timeoutOf(options: ConditionWaitOptions): number | undefined {
  if (options === null || typeof options !== "object") throw new TypeError("wait(options): options must be an object");
  return options.timeout;
}

/**
 * A condition variable (Python's `multiprocessing.Condition`): waiters release its lock and
 * sleep until another process or thread, holding the lock, notifies them. Its lock is a new
 * {@link RLock} unless you pass a `Lock` or `RLock`; the condition's own `acquire`, `release`,
 * `hold` and `withLock` use it. Pass the condition to children as a `Process` argument: it travels
 * as a handle, and its lock with it.
 *
 * `wait()` releases the lock fully (an RLock acquired several times too) and takes it back
 * before it returns, also on timeout. `notify(n)` wakes exactly `min(n, waiters)` waiters, the
 * longest-waiting first, and never one that started waiting after the notify. Waiting or
 * notifying without holding the lock rejects with a `SyncStateError`. At most 1024 waiters can
 * wait on one condition at once. A process or worker thread that dies while waiting stops being a
 * waiter (a notify it had been sent goes to the next waiter).
 *
 * A lock passed in must live in the process creating the condition (create both in the same
 * process). Lock ownership is per thread, so two async functions of one thread both "hold" an
 * `RLock` at once: when several async functions of one thread use a condition, give it a `Lock`.
 *
 * @example
 * ```ts
 * import { Condition, Event, Process, isMain, task } from "@multiproc/core";
 *
 * export const consumer = task(import.meta, async function consumer(cond: Condition, ready: Event) {
 *   await cond.withLock(() => cond.waitFor(() => ready.isSet()));
 *   console.log("the data is ready");
 * });
 *
 * if (isMain(import.meta)) {
 *   const cond = new Condition();
 *   const ready = new Event();
 *   const p = new Process({ target: consumer, args: [cond, ready] });
 *   p.start();
 *   await cond.withLock(async () => {
 *     await ready.set();
 *     await cond.notifyAll();
 *   });
 *   await p.join();
 * }
 * ```
 */
export class Condition extends SharedPrimitive implements HolderWatcher {
  readonly #lock: Lock | RLock;
  readonly #gone = new GonePeers();

  /**
   * Creates a condition.
   *
   * @param lock - the lock it uses (default: a new `RLock`); it must live in this process.
   * @throws TypeError if `lock` is not a `Lock` or `RLock` made (or shared) in this process.
   */
  constructor(lock?: Lock | RLock);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(tokenOrLock?: Lock | RLock | typeof fromState, state?: PrimitiveState) {
    const revived = tokenOrLock === fromState && state !== undefined;
    super(revived ? state : { sab: new SharedArrayBuffer(CELLS * 4) });
    if (this.isLocal) watchThreadExits(this);
    if (revived) {
      this.#lock = (state.extra as { lock: Lock | RLock }).lock;
      return;
    }
    const lock = tokenOrLock ?? new RLock();
    if (!(lock instanceof Lock || lock instanceof RLock)) {
      throw new TypeError("Condition(lock): the lock must be a Lock or an RLock from @multiproc/core");
    }
    if (cellsOf(lock) === undefined) {
      throw new TypeError(
        "Condition(lock): this lock lives in another OS process, and a condition must live where its lock does. " +
          "Create the Condition in the process that created the lock, and pass the Condition (its lock travels with it).",
      );
    }
    this.#lock = lock;
  }

  protected get kind(): string {
    return "@multiproc/core:Condition";
  }

  protected override extraState(): unknown {
    return { lock: this.#lock };
  }

  /** The lock's memory, for operations performed here. */
  #lockCells(): Int32Array {
    const cells = cellsOf(this.#lock);
    if (cells === undefined) throw new TypeError("this Condition's lock does not live where the Condition does");
    return cells;
  }

  get #reentrant(): boolean {
    return this.#lock instanceof RLock;
  }

  /**
   * Acquires the condition's lock (see `Lock.acquire`).
   *
   * @param options - `blocking: false` to return at once; `timeout` in milliseconds.
   * @returns whether the lock was acquired.
   *
   * @example
   * ```ts
   * await cond.acquire();
   * try { await cond.notify(); } finally { await cond.release(); }
   * ```
   */
  acquire(options: AcquireOptions = NO_OPTIONS): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  /**
   * Releases the condition's lock (see `Lock.release`).
   *
   * @throws SyncStateError (as a rejection) if the lock is not held.
   *
   * @example
   * ```ts
   * await cond.release();
   * ```
   */
  release(): Promise<void> {
    return this.#lock.release();
  }

  /**
   * Acquires the condition's lock synchronously: thread context only (see `Lock.acquireSync`).
   *
   * @param options - as for {@link Condition.acquire}.
   * @returns whether the lock was acquired.
   *
   * @example
   * ```ts
   * cond.acquireSync();
   * try { cond.notifySync(); } finally { cond.releaseSync(); }
   * ```
   */
  acquireSync(options: AcquireOptions = NO_OPTIONS): boolean {
    return this.#lock.acquireSync(options);
  }

  /**
   * Releases the condition's lock synchronously: thread context only.
   *
   * @example
   * ```ts
   * cond.releaseSync();
   * ```
   */
  releaseSync(): void {
    this.#lock.releaseSync();
  }

  /**
   * Acquires the condition's lock and returns a guard that releases it (see `Lock.hold`).
   *
   * @param options - `timeout` in milliseconds.
   * @returns the held lock.
   * @throws LockTimeoutError if the lock could not be acquired within `timeout`.
   *
   * @example
   * ```ts
   * {
   *   await using _held = await cond.hold();
   *   await cond.waitFor(() => queueNotEmpty());
   * }
   * ```
   */
  hold(options: { timeout?: number } = {}): Promise<HeldLock> {
    return this.#lock.hold(options);
  }

  /**
   * Runs `fn` holding the condition's lock (see `Lock.withLock`).
   *
   * @param fn - the critical section; may be async.
   * @param options - `timeout` in milliseconds for acquiring.
   * @returns what `fn` returns.
   *
   * @example
   * ```ts
   * await cond.withLock(() => cond.notifyAll());
   * ```
   */
  withLock<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}): Promise<T> {
    return this.#lock.withLock(fn, options);
  }

  /**
   * Releases the lock, waits until notified (or `timeout` ms pass), and takes the lock back —
   * also on timeout — before it settles. The caller must hold the lock.
   *
   * @param options - `timeout` in milliseconds; a negative timeout acts as 0.
   * @returns true if notified, false on timeout.
   * @throws SyncStateError (as a rejection) if the caller does not hold the lock.
   * @throws AbandonedLockError (as a rejection, with the lock held again) if a process died
   *   holding the lock while this one waited.
   *
   * @example
   * ```ts
   * await cond.withLock(async () => {
   *   while (!(await done.isSet())) await cond.wait();
   * });
   * ```
   */
  wait(options: ConditionWaitOptions = {}): Promise<boolean> {
    return this.invoke("wait", [timeoutOf(options)]) as Promise<boolean>;
  }

  /**
   * Waits until `predicate()` is truthy, calling it first and after every wake-up (Python's
   * `wait_for`). The caller must hold the lock; the predicate runs with it held.
   *
   * @param predicate - the condition waited for; may be async.
   * @param options - `timeout` in milliseconds for the whole wait.
   * @returns the predicate's last result (falsy only on timeout).
   * @throws SyncStateError (as a rejection) if the caller does not hold the lock.
   *
   * @example
   * ```ts
   * await cond.withLock(() => cond.waitFor(async () => (await items.getValue()) > 0, { timeout: 1_000 }));
   * ```
   */
  async waitFor<T>(predicate: () => T | Promise<T>, options: ConditionWaitOptions = {}): Promise<T> {
    const until = deadline(timeoutOf(options));
    let result = await predicate();
    while (!result) {
      const left = remaining(until);
      if (left === 0) break;
      await this.wait({ timeout: left === Infinity ? undefined : left });
      result = await predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters — exactly `min(n, waiters)`. The caller must hold the lock; the
   * woken waiters each take it back after the caller releases it.
   *
   * @param n - how many waiters (default 1).
   * @throws SyncStateError (as a rejection) if the caller does not hold the lock.
   *
   * @example
   * ```ts
   * await cond.withLock(() => cond.notify(2));
   * ```
   */
  notify(n = 1): Promise<void> {
    return this.invoke("notify", [checkCount(n)], true) as Promise<void>;
  }

  /**
   * Wakes every waiter (Python's `notify_all`). The caller must hold the lock.
   *
   * @throws SyncStateError (as a rejection) if the caller does not hold the lock.
   *
   * @example
   * ```ts
   * await cond.withLock(() => cond.notifyAll());
   * ```
   */
  notifyAll(): Promise<void> {
    return this.invoke("notify", [MAX_WAITERS], true) as Promise<void>;
  }

  /**
   * Waits synchronously, blocking the calling thread: thread context only (the condition's memory
   * must be shared with this thread). Hold the lock with `acquireSync()` first.
   *
   * @param options - as for {@link Condition.wait}.
   * @returns true if notified, false on timeout.
   * @throws SyncStateError if the caller does not hold the lock.
   * @throws TypeError if the condition lives in another OS process.
   *
   * @example
   * ```ts
   * cond.acquireSync();
   * try {
   *   while (!ready.isSetSync()) cond.waitSync();
   * } finally {
   *   cond.releaseSync();
   * }
   * ```
   */
  waitSync(options: ConditionWaitOptions = {}): boolean {
    const c = this.localCells("waitSync");
    return runPlanSync(waitPlan(c, this.#lockCells(), localHolder(), this.#reentrant, deadline(timeoutOf(options)), alwaysThere));
  }

  /**
   * Wakes up to `n` waiters synchronously: thread context only; the caller must hold the lock.
   *
   * @param n - how many waiters (default 1).
   * @throws SyncStateError if the caller does not hold the lock.
   * @throws TypeError if the condition lives in another OS process.
   *
   * @example
   * ```ts
   * cond.notifySync();
   * ```
   */
  notifySync(n = 1): void {
    notifyChecked(this.localCells("notifySync"), this.#lockCells(), localHolder(), checkCount(n));
  }

  /**
   * Wakes every waiter synchronously: thread context only; the caller must hold the lock.
   *
   * @throws SyncStateError if the caller does not hold the lock.
   * @throws TypeError if the condition lives in another OS process.
   *
   * @example
   * ```ts
   * cond.notifyAllSync();
   * ```
   */
  notifyAllSync(): void {
    notifyChecked(this.localCells("notifyAllSync"), this.#lockCells(), localHolder(), MAX_WAITERS);
  }

  protected override perform(method: string, args: unknown[], holder: number, peer: Peer): unknown {
    const c = this.cells!;
    switch (method) {
      case "wait": {
        const until = deadline(args[0] as number | undefined);
        return runPlan(waitPlan(c, this.#lockCells(), holder, this.#reentrant, until, this.#gone.stillThere(peer)));
      }
      case "notify":
        return notifyChecked(c, this.#lockCells(), holder, checkCount(args[0] as number));
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  protected override peerGone(peer: Peer): void {
    this.#gone.add(peer);
    const c = this.cells;
    if (c === undefined) return;
    // This thread still performs the dead process's waits: wake them so they see it has gone and
    // leave (whether they wait for a notify or for the lock). A gone waiter that already had the
    // lock back is the lock's business: the lock releases it.
    const holder = holderOf(peer);
    const high = Atomics.load(c, HIGH);
    for (let slot = 0; slot < high; slot++) {
      if (Atomics.load(c, holderCell(slot)) === holder) wake(c, stateCell(slot));
    }
    const lock = cellsOf(this.#lock);
    if (lock !== undefined) wake(lock, STATE);
  }

  /** A worker thread ended while waiting: its slots are freed for it. @internal */
  holderGone(holder: number): void {
    const c = this.cells;
    if (c === undefined) return;
    const high = Atomics.load(c, HIGH);
    for (let slot = 0; slot < high; slot++) {
      if (Atomics.load(c, stateCell(slot)) !== FREE && Atomics.load(c, holderCell(slot)) === holder) abandonSlot(c, slot);
    }
  }
}

registerPrimitive("@multiproc/core:Condition", (state) => new Condition(fromState, state));
