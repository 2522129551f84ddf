/**
 * A bare mutex on one slot of a shared `Int32Array`, with `Atomics` only: the three-state futex
 * mutex (0 free, 1 locked, 2 locked with waiters) from Ulrich Drepper's "Futexes Are Tricky".
 * It is the baseline the lock-counter workload measures a lock against; it blocks with
 * `Atomics.wait`, so it can only be locked in worker threads (and Node's main thread).
 *
 * @module
 */

/**
 * Locks the mutex in slot `index` of `cells`, blocking until it is free.
 *
 * @param cells - shared memory.
 * @param index - the mutex's slot (0 when free).
 *
 * @example
 * ```ts
 * lockMutex(cells, 0);
 * try { cells[1]++; } finally { unlockMutex(cells, 0); }
 * ```
 */
export function lockMutex(cells: Int32Array, index: number): void {
  let c = Atomics.compareExchange(cells, index, 0, 1);
  if (c === 0) return;
  if (c !== 2) c = Atomics.exchange(cells, index, 2);
  while (c !== 0) {
    Atomics.wait(cells, index, 2);
    c = Atomics.exchange(cells, index, 2);
  }
}

/**
 * Unlocks the mutex in slot `index` of `cells`, waking one waiter if there is one.
 *
 * @param cells - shared memory.
 * @param index - the mutex's slot.
 *
 * @example
 * ```ts
 * unlockMutex(cells, 0);
 * ```
 */
export function unlockMutex(cells: Int32Array, index: number): void {
  if (Atomics.sub(cells, index, 1) !== 1) {
    Atomics.store(cells, index, 0);
    Atomics.notify(cells, index, 1);
  }
}
