/**
 * `Barrier`: Python's `threading.Barrier` (which `multiprocessing.Barrier` shares), for both
 * contexts.
 *
 * The algorithm is Python's — a cycle *fills* until the last party arrives, runs the action,
 * then *drains* (each released waiter leaves; a new cycle starts when the last has left), and a
 * timeout, abort or failing action *breaks* it until `reset()` — but lock-free: the state and the
 * count of waiters in the cycle share one 32-bit cell (3 bits and 28 bits), changed only by
 * compare-exchange, so that no internal lock can be left held by a thread that is terminated.
 * After it come `parties` slots, one per arrival index, holding the waiter's holder token while
 * it is inside: when a worker thread is terminated or a process dies while waiting, the barrier
 * finds its slots and breaks (a dead waiter is like one that timed out) — otherwise the other
 * parties would wait for it forever.
 *
 * @module
 */
import type { Peer } from "../remote/objects.ts";
import { isTask, taskRef, type Task } from "../task.ts";
import { BrokenBarrierError } from "./errors.ts";
import { deadline, wake } from "./futex.ts";
import { holderOf, localHolder } from "./holder.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "./primitive.ts";
import { alwaysThere, GonePeers, watchThreadExits, type HolderWatcher, type StillThere } from "./gone.ts";
import { runPlan, runPlanSync, type WaitPlan } from "./wait-plan.ts";

const WORD = 0;
const SLOTS = 1;

/** Cycle states (Python's `_state` 0, 1, -1, -2, plus the action running). */
const FILLING = 0;
const ACTION = 1;
const DRAINING = 2;
const RESETTING = 3;
const BROKEN = 4;

const COUNT_BITS = 28;
const COUNT_MASK = 2 ** COUNT_BITS - 1;
/** The most parties a barrier can have. */
const MAX_PARTIES = COUNT_MASK;

const stateOf = (w: number): number => w >>> COUNT_BITS;
const countOf = (w: number): number => w & COUNT_MASK;
const pack = (state: number, count: number): number => state * 2 ** COUNT_BITS + count;

/**
 * Changes the state word with `change` (which returns the new state and count, or undefined for
 * no change), and wakes every waiter if the state changed. Returns whether it changed anything.
 */
function update(c: Int32Array, change: (state: number, count: number) => [number, number] | undefined): boolean {
  for (;;) {
    const w = Atomics.load(c, WORD);
    const next = change(stateOf(w), countOf(w));
    if (next === undefined) return false;
    if (Atomics.compareExchange(c, WORD, w, pack(next[0], next[1])) !== w) continue;
    if (next[0] !== stateOf(w)) wake(c, WORD);
    return true;
  }
}

/** Breaks the barrier (Python's `_break`). */
function breakBarrier(c: Int32Array): void {
  update(c, (state, count) => (state === BROKEN ? undefined : [BROKEN, count]));
}

/** One waiter has left: the last to leave a drained or reset cycle opens the next one. */
function leaveCount(c: Int32Array): void {
  update(c, (state, count) => {
    const left = count - 1;
    // Leaving a cycle that was not released (an error, a dead waiter) breaks it.
    if (state === FILLING || state === ACTION) return [BROKEN, left];
    if (left === 0 && (state === DRAINING || state === RESETTING)) return [FILLING, 0];
    return [state, left];
  });
}

function leave(c: Int32Array, index: number, holder: number): void {
  Atomics.compareExchange(c, SLOTS + index, holder, 0);
  leaveCount(c);
}

function reset(c: Int32Array): void {
  update(c, (state, count) => {
    if (count === 0) return state === FILLING ? undefined : [FILLING, 0];
    return state === FILLING || state === ACTION || state === BROKEN ? [RESETTING, count] : undefined;
  });
}

function brokenError(state: number): BrokenBarrierError {
  return new BrokenBarrierError(
    state === RESETTING
      ? "the barrier was reset while this waiter waited"
      : "the barrier is broken (a waiter timed out or died, it was aborted, or its action threw): reset() it to use it again",
  );
}

function brokenBy(message: string, cause: unknown): BrokenBarrierError {
  const error = new BrokenBarrierError(message);
  Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true, enumerable: false });
  return error;
}

/** The whole of `wait()`: enter, arrive, run the action or wait for release, leave. */
function* waitPlan(
  c: Int32Array,
  parties: number,
  holder: number,
  timeout: number | undefined,
  there: StillThere,
  action: (() => unknown) | undefined,
): WaitPlan<number> {
  let until = deadline(timeout);
  let index: number;
  // Enter: wait while the previous cycle runs its action, drains or resets (as Python, without a deadline).
  for (;;) {
    const w = Atomics.load(c, WORD);
    const state = stateOf(w);
    const count = countOf(w);
    if (state === BROKEN) throw brokenError(state);
    if (!there()) throw new BrokenBarrierError("the waiting process has gone");
    if (state === FILLING) {
      const next = count + 1 === parties ? pack(ACTION, count + 1) : pack(FILLING, count + 1);
      if (Atomics.compareExchange(c, WORD, w, next) !== w) continue;
      index = count;
      Atomics.store(c, SLOTS + index, holder);
      break;
    }
    yield { cells: c, index: WORD, expected: w, until: Infinity };
  }
  try {
    if (index === parties - 1) {
      // The last to arrive runs the action, then releases everyone.
      if (action !== undefined) {
        try {
          yield { call: action };
        } catch (error) {
          breakBarrier(c);
          throw brokenBy(`the barrier's action threw (${error instanceof Error ? error.message : String(error)}), so the barrier is broken`, error);
        }
      }
      if (!update(c, (state, count) => (state === ACTION ? [DRAINING, count] : undefined))) {
        throw new BrokenBarrierError("the barrier was aborted or reset while its action ran");
      }
      return index;
    }
    for (;;) {
      const w = Atomics.load(c, WORD);
      const state = stateOf(w);
      if (state === DRAINING) return index;
      if (state === BROKEN || state === RESETTING) throw brokenError(state);
      const changed = yield { cells: c, index: WORD, expected: w, until };
      if (changed !== true) {
        if (update(c, (s, n) => (s === FILLING ? [BROKEN, n] : undefined))) {
          throw new BrokenBarrierError(`timed out after ${timeout} ms waiting at the barrier, which is now broken for every waiter`);
        }
        // The action is running: its outcome decides (as in Python, where it holds the lock).
        until = Infinity;
      }
    }
  } finally {
    leave(c, index, holder);
  }
}

/** Options of the {@link Barrier} constructor. */
export interface BarrierOptions {
  /**
   * A task (made with `task(import.meta, fn)`) run once per cycle by the last party to arrive,
   * before any party is released. It runs in the thread that made the last arrival — or, when
   * that arrival came from another OS process, in the process that created the barrier. If it
   * throws, the barrier breaks.
   */
  action?: Task<[], unknown>;
  /** The default timeout of {@link Barrier.wait}, in milliseconds. */
  timeout?: number;
}

/** Options of {@link Barrier.wait}. */
export interface BarrierWaitOptions {
  /**
   * The longest wait in milliseconds (default: the barrier's `timeout`); a negative timeout acts
   * as 0. A waiter that times out breaks the barrier.
   */
  timeout?: number;
}

interface BarrierExtra {
  readonly parties: number;
  readonly timeout: number | null;
  readonly action: Task<[], unknown> | null;
}

/**
 * A barrier (Python's `multiprocessing.Barrier`): `parties` processes or threads wait until all
 * of them have arrived, then all go on together. It can be used again and again: each round is
 * a *cycle*. Pass it to children as a `Process` argument: it travels as a handle.
 *
 * `wait()` resolves with the caller's arrival index in the cycle — a distinct number from 0 to
 * `parties − 1` — and rejects with a {@link BrokenBarrierError} when the barrier breaks: a waiter
 * timed out or died, `abort()` or `reset()` was called, or the action threw. A broken barrier
 * stays broken until `reset()`. `nWaiting()` and `broken()` need the barrier's owner when the
 * caller is another OS process, so they are async.
 *
 * @example
 * ```ts
 * import { Barrier, Process, isMain, task } from "@multiproc/core";
 *
 * export const phase = task(import.meta, function phase() {
 *   console.log("--- every party finished a round ---");
 * });
 *
 * export const party = task(import.meta, async function party(barrier: Barrier, n: number) {
 *   for (let round = 0; round < 3; round++) {
 *     console.log(`party ${n}: round ${round}`);
 *     await barrier.wait();
 *   }
 * });
 *
 * if (isMain(import.meta)) {
 *   const barrier = new Barrier(3, { action: phase });
 *   const parties = [0, 1, 2].map((n) => new Process({ target: party, args: [barrier, n] }));
 *   parties.forEach((p) => p.start());
 *   for (const p of parties) await p.join();
 * }
 * ```
 */
export class Barrier extends SharedPrimitive implements HolderWatcher {
  readonly #parties: number;
  readonly #timeout: number | undefined;
  readonly #action: Task<[], unknown> | undefined;
  readonly #gone = new GonePeers();

  /**
   * Creates a barrier for `parties` waiters.
   *
   * @param parties - how many waiters each cycle needs (a positive integer).
   * @param options - an `action` task to run once per cycle, and a default `timeout` in ms.
   * @throws RangeError if `parties` is not a positive integer.
   * @throws TaskError if `action` is not a task.
   */
  constructor(parties: number, options?: BarrierOptions);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(partiesOrToken: number | typeof fromState, optionsOrState: BarrierOptions | PrimitiveState = {}) {
    const revived = partiesOrToken === fromState;
    let extra: BarrierExtra;
    if (revived) {
      extra = (optionsOrState as PrimitiveState).extra as BarrierExtra;
    } else {
      const parties = partiesOrToken;
      if (!Number.isInteger(parties) || parties < 1 || parties > MAX_PARTIES) {
        throw new RangeError(`Barrier(parties): parties must be an integer from 1 to ${MAX_PARTIES}, got ${String(parties)}`);
      }
      const options = optionsOrState as BarrierOptions;
      if (options === null || typeof options !== "object") throw new TypeError("Barrier(parties, options): options must be an object");
      if (options.action !== undefined) taskRef(options.action, "Barrier({ action })");
      if (options.timeout !== undefined) deadline(options.timeout);
      extra = { parties, timeout: options.timeout ?? null, action: options.action ?? null };
    }
    super(revived ? (optionsOrState as PrimitiveState) : { sab: new SharedArrayBuffer((SLOTS + extra.parties) * 4) });
    this.#parties = extra.parties;
    this.#timeout = extra.timeout ?? undefined;
    this.#action = extra.action !== null && isTask(extra.action) ? extra.action : undefined;
    if (this.isLocal) watchThreadExits(this);
  }

  protected get kind(): string {
    return "@multiproc/core:Barrier";
  }

  protected override extraState(): unknown {
    return { parties: this.#parties, timeout: this.#timeout ?? null, action: this.#action ?? null } satisfies BarrierExtra;
  }

  /**
   * How many waiters each cycle needs (Python's `parties`). Fixed, so read synchronously.
   *
   * @example
   * ```ts
   * new Barrier(4).parties; // 4
   * ```
   */
  get parties(): number {
    return this.#parties;
  }

  /**
   * Waits until `parties` waiters have arrived (the last one first runs the action), or the
   * barrier breaks.
   *
   * @param options - `timeout` in milliseconds (default: the barrier's); a waiter that times out
   *   breaks the barrier.
   * @returns the caller's arrival index in this cycle, from 0 to `parties − 1`.
   * @throws BrokenBarrierError (as a rejection) if the barrier is or becomes broken, or is
   *   reset, while the caller waits. For the party that ran a throwing action, the error's
   *   `cause` is what the action threw.
   *
   * @example
   * ```ts
   * const index = await barrier.wait({ timeout: 10_000 });
   * if (index === 0) console.log("one party per cycle prints this");
   * ```
   */
  wait(options: BarrierWaitOptions = {}): Promise<number> {
    return this.invoke("wait", [this.#timeoutOf(options)]) as Promise<number>;
  }

  /**
   * Waits synchronously, blocking the calling thread: thread context only (the barrier's memory
   * must be shared with this thread), and only for a barrier without an action (an action may
   * be asynchronous, and a blocked thread cannot wait for it).
   *
   * @param options - as for {@link Barrier.wait}.
   * @returns the caller's arrival index in this cycle.
   * @throws BrokenBarrierError if the barrier is or becomes broken.
   * @throws TypeError if the barrier lives in another OS process or has an action.
   *
   * @example
   * ```ts
   * for (const chunk of chunks) {
   *   crunch(chunk);
   *   barrier.waitSync();
   * }
   * ```
   */
  waitSync(options: BarrierWaitOptions = {}): number {
    const c = this.localCells("waitSync");
    if (this.#action !== undefined) {
      throw new TypeError("Barrier.waitSync() cannot run this barrier's action (it may be asynchronous): use await barrier.wait()");
    }
    return runPlanSync(waitPlan(c, this.#parties, localHolder(), this.#timeoutOf(options), alwaysThere, undefined));
  }

  /**
   * Breaks the barrier: every current and future waiter gets a {@link BrokenBarrierError} until
   * `reset()`. Use it to stop the other parties when one of them cannot go on.
   *
   * @example
   * ```ts
   * try { await work(); } catch (err) { await barrier.abort(); throw err; }
   * ```
   */
  abort(): Promise<void> {
    return this.invoke("abort", [], true) as Promise<void>;
  }

  /**
   * Returns the barrier to its empty, unbroken state. Parties waiting in the current cycle get a
   * {@link BrokenBarrierError}; new arrivals wait for them to leave, then start a fresh cycle.
   *
   * @example
   * ```ts
   * if (await barrier.broken()) await barrier.reset();
   * ```
   */
  reset(): Promise<void> {
    return this.invoke("reset", [], true) as Promise<void>;
  }

  /**
   * How many parties are waiting in the current cycle (Python's `n_waiting`).
   *
   * @returns the number of waiters.
   *
   * @example
   * ```ts
   * console.log(`${await barrier.nWaiting()} of ${barrier.parties} have arrived`);
   * ```
   */
  nWaiting(): Promise<number> {
    return this.invoke("nWaiting", []) as Promise<number>;
  }

  /**
   * Whether the barrier is broken (Python's `broken`).
   *
   * @returns true until `reset()` once it broke.
   *
   * @example
   * ```ts
   * if (await barrier.broken()) await barrier.reset();
   * ```
   */
  broken(): Promise<boolean> {
    return this.invoke("broken", []) as Promise<boolean>;
  }

  #timeoutOf(options: BarrierWaitOptions): number | undefined {
    if (options === null || typeof options !== "object") throw new TypeError("wait(options): options must be an object");
    return options.timeout ?? this.#timeout;
  }

  protected override perform(method: string, args: unknown[], holder: number, peer: Peer): unknown {
    const c = this.cells!;
    switch (method) {
      case "wait": {
        const plan = waitPlan(c, this.#parties, holder, args[0] as number | undefined, this.#gone.stillThere(peer), this.#action);
        return runPlan(plan);
      }
      case "abort":
        return breakBarrier(c);
      case "reset":
        return reset(c);
      case "nWaiting": {
        const w = Atomics.load(c, WORD);
        return stateOf(w) === FILLING || stateOf(w) === ACTION ? countOf(w) : 0;
      }
      case "broken":
        return stateOf(Atomics.load(c, WORD)) === BROKEN;
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  /** Whether `holder` is inside the current cycle and the cycle has not been released. */
  #insideUnreleased(c: Int32Array, holder: number): boolean {
    const state = stateOf(Atomics.load(c, WORD));
    if (state !== FILLING && state !== ACTION) return false;
    for (let i = 0; i < this.#parties; i++) if (Atomics.load(c, SLOTS + i) === holder) return true;
    return false;
  }

  protected override peerGone(peer: Peer): void {
    this.#gone.add(peer);
    const c = this.cells;
    if (c === undefined) return;
    // This thread still performs the dead process's wait, and will leave for it; the others must not wait for it.
    if (this.#insideUnreleased(c, holderOf(peer))) breakBarrier(c);
    wake(c, WORD);
  }

  /**
   * A worker thread ended (terminated, or returned without awaiting its wait): it leaves every
   * slot it held, breaking a cycle it was waiting in. @internal
   */
  holderGone(holder: number): void {
    const c = this.cells;
    if (c === undefined) return;
    for (let i = 0; i < this.#parties; i++) {
      if (Atomics.compareExchange(c, SLOTS + i, holder, 0) === holder) leaveCount(c);
    }
  }
}

registerPrimitive("@multiproc/core:Barrier", (state) => new Barrier(fromState, state));
