/**
 * Waiting on a SharedArrayBuffer cell, with a deadline: asynchronously (`Atomics.waitAsync`,
 * which never blocks the event loop) or synchronously (`Atomics.wait`, for the thread-only
 * `…Sync` methods). Every primitive's waiting goes through here.
 *
 * @internal
 * @module
 */
import { adapter, type Refable } from "../runtime/index.ts";

/**
 * The clock of every deadline: the runtime adapter's monotonic milliseconds (see
 * `RuntimeAdapter.now`).
 *
 * @example
 * ```ts
 * const started = now();
 * await work();
 * console.log(`${now() - started} ms`);
 * ```
 */
export const now: () => number = adapter.now;

/** A point in time from a timeout in ms: `undefined` waits forever, a negative timeout acts as 0. */
export function deadline(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || timeoutMs === null) return Infinity;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) throw new TypeError("timeout must be a number of milliseconds");
  return now() + Math.max(0, timeoutMs);
}

/** Milliseconds left until `until` (Infinity for none, 0 when passed). */
export function remaining(until: number): number {
  return until === Infinity ? Infinity : Math.max(0, until - now());
}

/**
 * Waits until `cells[index]` may have changed from `expected`, or `until` passes. Returns
 * false on timeout. Spurious wake-ups are possible: callers re-check their condition.
 */
export async function waitChange(cells: Int32Array, index: number, expected: number, until: number): Promise<boolean> {
  const ms = remaining(until);
  if (ms === 0) return Atomics.load(cells, index) !== expected;
  const r = Atomics.waitAsync(cells, index, expected, ms === Infinity ? undefined : ms);
  if (!r.async) return r.value !== "timed-out";
  holdOpen();
  try {
    return (await r.value) !== "timed-out";
  } finally {
    release();
  }
}

// A pending `Atomics.waitAsync` does not keep the event loop alive: a program whose main code
// awaits `queue.get()` while only daemonic children run would just end. As a blocked call does in
// Python, a wait keeps the program running: one timer, ref'd while any wait is pending. It is
// made once and ref'd and unref'd, not made and cleared for every wait: in a pool's main thread
// that was ~20 µs of every answer's wait (CPU profiles of `imapUnordered`, Node).
let waiting = 0;
let keepAlive: Refable | undefined;

function holdOpen(): void {
  if (waiting++ === 0) (keepAlive ??= adapter.idleTimer()).ref();
}

function release(): void {
  if (--waiting === 0) keepAlive?.unref();
}

/** The synchronous twin of {@link waitChange}: blocks the calling thread. */
export function waitChangeSync(cells: Int32Array, index: number, expected: number, until: number): boolean {
  const ms = remaining(until);
  if (ms === 0) return Atomics.load(cells, index) !== expected;
  return Atomics.wait(cells, index, expected, ms === Infinity ? undefined : ms) !== "timed-out";
}

/** Wakes up to `count` waiters on `cells[index]` (all by default). */
export function wake(cells: Int32Array, index: number, count = Infinity): void {
  Atomics.notify(cells, index, count);
}
