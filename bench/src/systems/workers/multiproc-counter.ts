/**
 * The lock-counter workload's multiproc children: each says it is ready, waits for the go
 * signal, makes its increments of the shared `Value`, each under the value's lock, and says it is
 * done. The ready/go/done signals travel on multiproc `Queue`s, so that the clock covers only the
 * increments (Python's program uses a Barrier and a Queue the same way).
 *
 * @module
 */
import { task, type Value } from "@multiproc/core";
import type { Queue } from "@multiproc/ipc";

/**
 * The queues a counting child signals on: it puts on `ready`, takes one token from `go`, and puts
 * on `done` when its increments are made.
 *
 * @example
 * ```ts
 * const signals: Signals = { ready: new Queue(), go: new Queue(), done: new Queue() };
 * ```
 */
export interface Signals {
  readonly ready: Queue<number>;
  readonly go: Queue<number>;
  readonly done: Queue<number>;
}

/**
 * Increments `counter` `increments` times with the thread-only synchronous fast path:
 * `acquireSync()`, the `.value` accessor, `releaseSync()` — `with v.get_lock(): v.value += 1`.
 *
 * @example
 * ```ts
 * new Process({ target: countSync, args: [counter, 100_000, signals], context: "thread" }).start();
 * ```
 */
export const countSync = task(import.meta, async function countSync(counter: Value<"i">, increments: number, signals: Signals): Promise<void> {
  const lock = counter.getLock();
  await signals.ready.put(1);
  await signals.go.get();
  for (let i = 0; i < increments; i++) {
    lock.acquireSync();
    counter.value = counter.value + 1;
    lock.releaseSync();
  }
  await signals.done.put(1);
});

/**
 * Increments `counter` `increments` times with the portable async API, in either context:
 * `await lock.acquire()`, `await counter.set((await counter.get()) + 1)`, `await lock.release()`.
 *
 * @example
 * ```ts
 * new Process({ target: countAsync, args: [counter, 10_000, signals], context: "process" }).start();
 * ```
 */
export const countAsync = task(import.meta, async function countAsync(counter: Value<"i">, increments: number, signals: Signals): Promise<void> {
  const lock = counter.getLock();
  await signals.ready.put(1);
  await signals.go.get();
  for (let i = 0; i < increments; i++) {
    await lock.acquire();
    await counter.set((await counter.get()) + 1);
    await lock.release();
  }
  await signals.done.put(1);
});
