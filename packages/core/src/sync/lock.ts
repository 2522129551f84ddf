/**
 * `Lock` and `RLock`: Python's `multiprocessing.Lock` and `RLock`, for both contexts.
 *
 * @module
 */
import { adapter } from "../runtime/index.ts";
import type { Peer } from "../remote/objects.ts";
import { self } from "../process/state.ts";
import { holderOf, localHolder } from "./holder.ts";
import {
  abandon,
  acquire,
  acquireSync,
  COUNT,
  DEAD_PID,
  forceRelease,
  HOLDER,
  isHeldBy,
  LOCK_CELLS,
  NO_OPTIONS,
  release,
  reportAbandoned,
  STATE,
  waitToAcquireSync,
  type AcquireOptions,
} from "./lock-cells.ts";
import { GonePeers } from "./gone.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "./primitive.ts";
import { hold, withHeld, type HeldLock } from "./scoped.ts";

export type { AcquireOptions } from "./lock-cells.ts";
export type { HeldLock } from "./scoped.ts";

/** Locks known to this thread, checked when a worker-thread child ends holding one. */
const known = new Set<WeakRef<LockBase>>();
self.threadChildExitHooks.add((threadId) => {
  for (const ref of known) {
    const lock = ref.deref();
    if (lock === undefined) known.delete(ref);
    else lock.holderDied(threadId + 1, adapter.pid, true);
  }
});

/** What `Lock` and `RLock` share. */
abstract class LockBase extends SharedPrimitive {
  readonly #gone = new GonePeers();
  /**
   * What the synchronous methods need, read once: the cells (when shared with this thread), this
   * thread's holder token, and whether the lock is re-entrant. Each call they save is felt in a
   * tight loop before the JIT has optimised it.
   *
   * Written out: for the same reason, `acquireSync` and `releaseSync` take a free lock and release
   * a lock held once with the steps of `takeFree` and `release` written out in them, rather than
   * by calling those functions (the general paths, which they call for everything else). Two
   * threads × 100,000 increments of a `Value` under its lock (`pnpm bench lock-counter`,
   * `acquireSync` + `.value`), alternating runs against calling them: Node +13 % (8 runs), Deno
   * −3 % and +10 % (8 and 12), Bun +13 % (8); a first version, the same but for literal cell
   * indexes (which measured the same as the names, 10 runs each): Node +17 %, Deno +18 % and
   * +21 %, Bun −9 % and +19 %. The host's noise is wide; every sitting but one gained.
   */
  readonly #here: Int32Array | undefined;
  readonly #holder: number;
  /** Whether the lock may be acquired again by its holder. */
  readonly #reentrant: boolean;

  protected constructor(state: PrimitiveState, reentrant: boolean) {
    super(state);
    this.#here = this.cells;
    this.#holder = localHolder();
    this.#reentrant = reentrant;
    if (this.isLocal) known.add(new WeakRef(this));
  }

  /**
   * Acquires the lock: waits until it is free (or `timeout` ms pass), then holds it.
   *
   * @param options - `blocking: false` to return at once; `timeout` in milliseconds.
   * @returns true if the lock was acquired, false if not (non-blocking, or timed out).
   * @throws AbandonedLockError once, if the last holder died holding it (the lock is then free).
   */
  acquire(options: AcquireOptions = NO_OPTIONS): Promise<boolean> {
    return this.invoke("acquire", [options]) as Promise<boolean>;
  }

  /**
   * Releases the lock. The returned promise settles when the release has taken effect; a child
   * that exits without awaiting it still releases the lock first.
   *
   * @throws SyncStateError (as a rejection) if the lock is not held (for an RLock: not by the caller).
   */
  release(): Promise<void> {
    return this.invoke("release", [], true) as Promise<void>;
  }

  /**
   * Acquires the lock synchronously, blocking the calling thread: thread context only (the lock's
   * memory must be shared with this thread). Meant for code running in worker threads; on the main
   * thread it blocks the event loop while it waits.
   *
   * @param options - as for {@link LockBase.acquire}.
   * @returns whether the lock was acquired.
   * @throws TypeError if the lock lives in another OS process.
   */
  acquireSync(options: AcquireOptions = NO_OPTIONS): boolean {
    const c = this.#here;
    if (c !== undefined && options === NO_OPTIONS) {
      // `takeFree` (lock-cells.ts), written out: see "Written out" above.
      if (Atomics.compareExchange(c, STATE, 0, 1) !== 0) return waitToAcquireSync(c, this.#holder, options, this.#reentrant);
      c[HOLDER] = this.#holder;
      c[COUNT] = 1;
      if (c[DEAD_PID] !== 0) reportAbandoned(c);
      return true;
    }
    return acquireSync(this.localCells("acquireSync"), this.#holder, options, this.#reentrant);
  }

  /**
   * Releases the lock synchronously: thread context only.
   *
   * @throws SyncStateError if the lock is not held.
   * @throws TypeError if the lock lives in another OS process.
   */
  releaseSync(): void {
    const c = this.#here;
    // `release` (lock-cells.ts), written out for a lock this thread holds once: see "Written out"
    // above. Only this thread writes its own token to HOLDER (see `release`), so reading it here
    // says that this thread holds the lock; anything else takes the general path.
    if (c !== undefined && c[HOLDER] === this.#holder && c[COUNT] === 1) {
      c[HOLDER] = 0;
      c[COUNT] = 0;
      if (Atomics.exchange(c, STATE, 0) === 2) Atomics.notify(c, STATE);
      return;
    }
    release(c ?? this.localCells("releaseSync"), this.#holder, this.#reentrant);
  }

  /**
   * Acquires the lock and returns a guard that releases it: `await using _ = await lock.hold()`.
   *
   * @param options - `timeout` in milliseconds.
   * @returns the held lock.
   * @throws LockTimeoutError if the lock could not be acquired within `timeout`.
   */
  hold(options: { timeout?: number } = {}): Promise<HeldLock> {
    return hold(this, "lock", options);
  }


  /**
   * Runs `fn` while holding the lock, and releases it afterwards even if `fn` throws.
   *
   * @param fn - the critical section; may be async.
   * @param options - `timeout` in milliseconds for acquiring.
   * @returns what `fn` returns.
   * @throws LockTimeoutError if the lock could not be acquired within `timeout`.
   */
  withLock<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}): Promise<T> {
    return withHeld(this, "lock", fn, options);
  }


  protected override perform(method: string, args: unknown[], holder: number, peer: Peer): unknown {
    const c = this.cells!;
    switch (method) {
      case "acquire": {
        // A caller in another process that dies while it waits must not get the lock later:
        // if it is gone when its acquire succeeds, the lock is freed again at once.
        const there = this.#gone.stillThere(peer);
        return acquire(c, holder, (args[0] ?? {}) as AcquireOptions, this.#reentrant).then((got) => {
          if (got && !there()) forceRelease(c);
          return got;
        });
      }
      case "release":
        return release(c, holder, this.#reentrant);
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  protected override peerGone(peer: Peer): void {
    this.#gone.add(peer);
    this.holderDied(holderOf(peer), peer.pid, false);
  }

  /** Frees the lock if `holder` held it when it died. @internal */
  holderDied(holder: number, pid: number, thread: boolean): void {
    const c = this.cells;
    if (c !== undefined && isHeldBy(c, holder)) abandon(c, holder, pid, thread);
  }
}

/**
 * A lock (Python's `multiprocessing.Lock`): one holder at a time; any process or thread may
 * release it, not only the one that acquired it. Pass it to children as a `Process` argument: it
 * travels as a handle to the same lock, not a copy.
 *
 * If the holder dies while holding it (killed, crashed, or exited without releasing), the lock is
 * released and the next acquirer gets an {@link AbandonedLockError} once.
 *
 * @example
 * ```ts
 * import { Lock, Process, isMain, task } from "@multiproc/core";
 *
 * export const report = task(import.meta, async function report(lock: Lock, n: number) {
 *   await lock.withLock(() => console.log(`child ${n} has the floor`));
 * });
 *
 * if (isMain(import.meta)) {
 *   const lock = new Lock();
 *   const children = [1, 2, 3].map((n) => new Process({ target: report, args: [lock, n] }));
 *   children.forEach((p) => p.start());
 *   for (const p of children) await p.join();
 * }
 * ```
 */
export class Lock extends LockBase {
  /** Creates an unlocked lock. */
  constructor();
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(token?: typeof fromState, state?: PrimitiveState) {
    super(token === fromState && state !== undefined ? state : { sab: new SharedArrayBuffer(LOCK_CELLS * 4) }, false);
  }

  protected get kind(): string {
    return "@multiproc/core:Lock";
  }
}

/**
 * A re-entrant lock (Python's `multiprocessing.RLock`): the holder — a process or a thread — may
 * acquire it again, and must release it as many times; only the holder may release it.
 *
 * @example
 * ```ts
 * import { RLock } from "@multiproc/core";
 * const lock = new RLock();
 * await lock.acquire();
 * await lock.acquire(); // the same holder: fine
 * await lock.release();
 * await lock.release(); // now free
 * ```
 */
export class RLock extends LockBase {
  /** Creates an unlocked re-entrant lock. */
  constructor();
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(token?: typeof fromState, state?: PrimitiveState) {
    super(token === fromState && state !== undefined ? state : { sab: new SharedArrayBuffer(LOCK_CELLS * 4) }, true);
  }

  protected get kind(): string {
    return "@multiproc/core:RLock";
  }
}

registerPrimitive("@multiproc/core:Lock", (state) => new Lock(fromState, state));
registerPrimitive("@multiproc/core:RLock", (state) => new RLock(fromState, state));
