/**
 * `Semaphore` and `BoundedSemaphore`: Python's `multiprocessing.Semaphore` and
 * `BoundedSemaphore`, for both contexts. Two 32-bit cells: the value (free permits) and the bound
 * (−1 for a plain semaphore).
 *
 * @module
 */
import type { Peer } from "../remote/objects.ts";
import { SyncStateError } from "./errors.ts";
import { deadline, wake } from "./futex.ts";
import type { AcquireOptions } from "./lock.ts";
import { NO_OPTIONS } from "./lock-cells.ts";
import { hold, withHeld, type HeldLock } from "./scoped.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "./primitive.ts";
import { alwaysThere, GonePeers, type StillThere } from "./gone.ts";
import { runPlan, runPlanSync, type WaitPlan } from "./wait-plan.ts";

const VALUE = 0;
const BOUND = 1;
const CELLS = 2;
/** The largest value a 32-bit cell holds. */
const MAX_VALUE = 0x7fff_ffff;

function checkValue(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VALUE) {
    throw new RangeError(`${what}: the initial value must be an integer from 0 to ${MAX_VALUE}, got ${String(value)}`);
  }
  return value;
}

function freshState(value: number, bounded: boolean): PrimitiveState {
  const sab = new SharedArrayBuffer(CELLS * 4);
  const c = new Int32Array(sab);
  c[VALUE] = value;
  c[BOUND] = bounded ? value : -1;
  return { sab };
}

/** The deadline of an acquire, checking its options as `Lock.acquire` does. */
function acquireDeadline(options: AcquireOptions): number {
  if (options === null || typeof options !== "object") throw new TypeError("acquire(options): options must be an object");
  if (options.blocking === false) {
    if (options.timeout !== undefined) throw new TypeError("acquire(): a timeout cannot be given for a non-blocking call");
    return 0;
  }
  return deadline(options.timeout);
}

/** Takes a permit if there is one. */
function tryTake(c: Int32Array): boolean {
  for (;;) {
    const v = Atomics.load(c, VALUE);
    if (v <= 0) return false;
    if (Atomics.compareExchange(c, VALUE, v, v - 1) === v) return true;
  }
}

function* acquirePlan(c: Int32Array, until: number, there: StillThere): WaitPlan<boolean> {
  for (;;) {
    if (!there()) return false;
    if (tryTake(c)) return true;
    const changed = yield { cells: c, index: VALUE, expected: 0, until };
    if (changed !== true) return there() && tryTake(c);
  }
}

/** Adds `n` permits and wakes up to `n` waiters; a bounded semaphore refuses to exceed its bound. */
function release(c: Int32Array, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`release(n): n must be a positive integer, got ${String(n)}`);
  const bound = Atomics.load(c, BOUND);
  for (;;) {
    const v = Atomics.load(c, VALUE);
    if (bound >= 0 && v + n > bound) throw new SyncStateError("Semaphore released too many times");
    if (v + n > MAX_VALUE) throw new RangeError(`release(${n}): the semaphore's value would exceed ${MAX_VALUE}`);
    if (Atomics.compareExchange(c, VALUE, v, v + n) === v) break;
  }
  // Everyone, not n: a waiter in a worker thread that was terminated can swallow a wake-up
  // (seen on Deno), and every waiter retries its compare-exchange anyway.
  wake(c, VALUE);
}

/**
 * A semaphore (Python's `multiprocessing.Semaphore`): a counter of permits. `acquire()` takes
 * one, waiting while there are none; `release()` gives one back — any process or thread may
 * release, not only one that acquired. Pass it to children as a `Process` argument: it travels as
 * a handle to the same semaphore, not a copy.
 *
 * Reading the value needs the semaphore's owner when the caller is another OS process, so
 * {@link Semaphore.getValue} is async. A process that dies holding permits does not give them
 * back (as in Python).
 *
 * @example
 * ```ts
 * import { Process, Semaphore, isMain, task } from "@multiproc/core";
 *
 * export const download = task(import.meta, async function download(slots: Semaphore, n: number) {
 *   await slots.withLock(async () => {
 *     console.log(`download ${n}: at most two of us run this at once`);
 *   });
 * });
 *
 * if (isMain(import.meta)) {
 *   const slots = new Semaphore(2);
 *   const children = [1, 2, 3, 4].map((n) => new Process({ target: download, args: [slots, n] }));
 *   children.forEach((p) => p.start());
 *   for (const p of children) await p.join();
 * }
 * ```
 */
export class Semaphore extends SharedPrimitive {
  readonly #gone = new GonePeers();

  /**
   * Creates a semaphore with `value` permits.
   *
   * @param value - the initial number of permits (default 1).
   * @throws RangeError if `value` is not an integer from 0 to 2³¹−1.
   */
  constructor(value?: number);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(tokenOrValue: number | typeof fromState = 1, state?: PrimitiveState) {
    super(tokenOrValue === fromState && state !== undefined ? state : freshState(checkValue(tokenOrValue as number, "Semaphore"), false));
  }

  protected get kind(): string {
    return "@multiproc/core:Semaphore";
  }

  /**
   * Takes a permit: waits until there is one (or `timeout` ms pass).
   *
   * @param options - `blocking: false` to return at once; `timeout` in milliseconds (a negative
   *   timeout acts as 0).
   * @returns true if a permit was taken, false if not (non-blocking, or timed out).
   *
   * @example
   * ```ts
   * const sem = new Semaphore(1);
   * await sem.acquire(); // true
   * await sem.acquire({ blocking: false }); // false: no permit left
   * ```
   */
  acquire(options: AcquireOptions = NO_OPTIONS): Promise<boolean> {
    return this.invoke("acquire", [options]) as Promise<boolean>;
  }

  /**
   * Gives back `n` permits and wakes up to `n` waiters. The returned promise settles when the
   * release has taken effect; a child that exits without awaiting it still releases first.
   *
   * @param n - how many permits (default 1).
   * @throws SyncStateError (as a rejection) if a {@link BoundedSemaphore} would exceed its initial value.
   * @throws RangeError (as a rejection) if `n` is not a positive integer.
   *
   * @example
   * ```ts
   * const sem = new Semaphore(0);
   * await sem.release(2);
   * await sem.getValue(); // 2
   * ```
   */
  release(n = 1): Promise<void> {
    return this.invoke("release", [n], true) as Promise<void>;
  }

  /**
   * The number of free permits (Python's `get_value()`). Async, because another OS process
   * asks the semaphore's owner; the answer may be stale as soon as it arrives.
   *
   * @returns the current value.
   *
   * @example
   * ```ts
   * const sem = new Semaphore(3);
   * await sem.acquire();
   * await sem.getValue(); // 2
   * ```
   */
  getValue(): Promise<number> {
    return this.invoke("getValue", []) as Promise<number>;
  }

  /**
   * Takes a permit synchronously, blocking the calling thread: thread context only (the
   * semaphore's memory must be shared with this thread). Meant for worker threads; on the main
   * thread it blocks the event loop while it waits.
   *
   * @param options - as for {@link Semaphore.acquire}.
   * @returns whether a permit was taken.
   * @throws TypeError if the semaphore lives in another OS process.
   *
   * @example
   * ```ts
   * if (sem.acquireSync({ timeout: 100 })) {
   *   try { work(); } finally { sem.releaseSync(); }
   * }
   * ```
   */
  acquireSync(options: AcquireOptions = NO_OPTIONS): boolean {
    return runPlanSync(acquirePlan(this.localCells("acquireSync"), acquireDeadline(options), alwaysThere));
  }

  /**
   * Gives back `n` permits synchronously: thread context only.
   *
   * @param n - how many permits (default 1).
   * @throws SyncStateError if a {@link BoundedSemaphore} would exceed its initial value.
   * @throws TypeError if the semaphore lives in another OS process.
   *
   * @example
   * ```ts
   * sem.releaseSync();
   * ```
   */
  releaseSync(n = 1): void {
    release(this.localCells("releaseSync"), n);
  }

  /**
   * Takes a permit and returns a guard that gives it back: `await using _ = await sem.hold()`
   * (the same shape as `Lock.hold`, so code can take either).
   *
   * @param options - `timeout` in milliseconds for taking the permit.
   * @returns the held permit.
   * @throws LockTimeoutError if no permit could be taken within `timeout`.
   *
   * @example
   * ```ts
   * {
   *   await using _permit = await sem.hold();
   *   // … one permit is held here, and given back at the end of the block
   * }
   * ```
   */
  hold(options: { timeout?: number } = {}): Promise<HeldLock> {
    return hold(this, "semaphore", options);
  }


  /**
   * Runs `fn` while holding a permit, and gives it back afterwards even if `fn` throws (the same
   * name as `Lock.withLock`, so code can take either).
   *
   * @param fn - the guarded work; may be async.
   * @param options - `timeout` in milliseconds for taking the permit.
   * @returns what `fn` returns.
   * @throws LockTimeoutError if no permit could be taken within `timeout`.
   *
   * @example
   * ```ts
   * const body = await sem.withLock(() => fetch(url).then((r) => r.text()));
   * ```
   */
  withLock<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}): Promise<T> {
    return withHeld(this, "semaphore", fn, options);
  }


  protected override perform(method: string, args: unknown[], _holder: number, peer: Peer): unknown {
    const c = this.cells!;
    switch (method) {
      case "acquire": {
        const there = this.#gone.stillThere(peer);
        const plan = acquirePlan(c, acquireDeadline((args[0] ?? {}) as AcquireOptions), there);
        return runPlan(plan).then((taken) => {
          // The caller's process died while it waited: nobody will release this permit.
          if (taken && !there()) {
            release(c, 1);
            return false;
          }
          return taken;
        });
      }
      case "release":
        return release(c, args[0] as number);
      case "getValue":
        return Atomics.load(c, VALUE);
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  protected override peerGone(peer: Peer): void {
    this.#gone.add(peer);
    // Its pending acquires stop waiting (the others go back to sleep).
    if (this.cells !== undefined) wake(this.cells, VALUE);
  }
}

/**
 * A bounded semaphore (Python's `multiprocessing.BoundedSemaphore`): a {@link Semaphore} that
 * refuses to be released above its initial value — `release()` then rejects with a
 * `SyncStateError`, which catches a release without a matching acquire.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore, SyncStateError } from "@multiproc/core";
 * const sem = new BoundedSemaphore(1);
 * await sem.acquire();
 * await sem.release();
 * await sem.release().catch((err) => err instanceof SyncStateError); // true: released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * Creates a bounded semaphore with `value` permits, which is also its bound.
   *
   * @param value - the initial number of permits (default 1).
   * @throws RangeError if `value` is not an integer from 0 to 2³¹−1.
   */
  constructor(value?: number);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(tokenOrValue: number | typeof fromState = 1, state?: PrimitiveState) {
    super(fromState, tokenOrValue === fromState && state !== undefined ? state : freshState(checkValue(tokenOrValue as number, "BoundedSemaphore"), true));
  }

  protected override get kind(): string {
    return "@multiproc/core:BoundedSemaphore";
  }
}

registerPrimitive("@multiproc/core:Semaphore", (state) => new Semaphore(fromState, state));
registerPrimitive("@multiproc/core:BoundedSemaphore", (state) => new BoundedSemaphore(fromState, state));
