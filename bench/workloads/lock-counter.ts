import { defineWorkload, onRuntimes, pythonSystem } from "../src/workload.ts";

/**
 * lock-counter: 2 children each make 100,000 increments of one shared counter, every increment
 * under a lock; the counter must end at 200,000. Python uses a `multiprocessing.Value` and its
 * own lock between 2 processes; the JavaScript baseline is a bare SharedArrayBuffer + Atomics
 * mutex between 2 worker threads (JavaScript has no shared memory between processes).
 *
 * @example
 * ```ts
 * import lockCounter from "./lock-counter.ts";
 * console.log(lockCounter.unit.label); // "increments/s"
 * ```
 */
export default defineWorkload({
  name: "lock-counter",
  description: "2 children × 100,000 lock-protected increments of a shared counter",
  unit: { label: "increments/s", higherIsBetter: true },
  reference: "multiprocessing Value + its lock",
  params: { full: { children: 2, increments: 100_000 }, quick: { children: 2, increments: 500 } },
  systems: [
    pythonSystem("multiprocessing Value + its lock", "lock_counter.py"),
    ...onRuntimes("SharedArrayBuffer + Atomics mutex, 2 worker threads", "lock-counter.ts"),
  ],
});
