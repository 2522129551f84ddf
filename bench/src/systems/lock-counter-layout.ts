/**
 * The slots of the lock-counter workload's shared `Int32Array`.
 *
 * @example
 * ```ts
 * const cells = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
 * Atomics.store(cells, GO, 1);
 * ```
 *
 * @module
 */

/**
 * The mutex's slot.
 *
 * @example
 * ```ts
 * lockMutex(cells, MUTEX);
 * ```
 */
export const MUTEX = 0;
/**
 * The counter's slot.
 *
 * @example
 * ```ts
 * console.log(cells[COUNTER]);
 * ```
 */
export const COUNTER = 1;
/**
 * The go flag: 0 until the main thread starts the clock and sets it to 1.
 *
 * @example
 * ```ts
 * Atomics.store(cells, GO, 1);
 * Atomics.notify(cells, GO);
 * ```
 */
export const GO = 2;
/**
 * How many slots there are.
 *
 * @example
 * ```ts
 * new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
 * ```
 */
export const SLOTS = 3;
