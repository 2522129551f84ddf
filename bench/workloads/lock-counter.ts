import { defineWorkload, onRuntimes, pythonSystem } from "../src/workload.ts";

/** Increments per child in the process-context row (the unit is a rate). */
const processCap = 5_000;
const processItems = processCap.toLocaleString("en-US");

/**
 * lock-counter: 2 children each make 100,000 increments of one shared counter, every increment
 * under a lock; the counter must end at 200,000. Python uses a `multiprocessing.Value` and its
 * own lock between 2 processes; the JavaScript baseline is a bare SharedArrayBuffer + Atomics
 * mutex between 2 worker threads (JavaScript has no shared memory between processes). multiproc's
 * `Value("i")` and its `getLock()` run in the thread context with the synchronous fast path and
 * with the async API, and in the process context with the async API.
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
    ...onRuntimes("multiproc Value + its lock, thread context, acquireSync + .value", "multiproc-lock-counter.ts", { args: ["thread-sync"] }),
    ...onRuntimes("multiproc Value + its lock, thread context, async API", "multiproc-lock-counter.ts", { args: ["thread-async"] }),
    // Every async call of a process-context child is a round trip to the owner: 2 × 100,000
    // increments would take half a minute, so these children make 5,000 each.
    ...onRuntimes(`multiproc Value + its lock, process context, async API, 2 × ${processItems}`, "multiproc-lock-counter.ts", {
      args: ["process-async", String(processCap)],
    }),
  ],
});
