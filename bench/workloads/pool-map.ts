import { defineWorkload, jsSystem, onRuntimes, pythonSystem } from "../src/workload.ts";

/**
 * pool-map: squares of 100,000 ints through a pool of 2 workers, started and warmed before the
 * clock starts. Python's `Pool.map` sends the items in chunks (default chunksize: about 4 chunks
 * per worker); the JavaScript libraries have no chunked map, so they get one `run` per item, all
 * submitted at once — the Python `chunksize=1` row is the like-for-like comparison. piscina runs
 * on every runtime; tinypool and workerpool on Node only, to keep a full run short (their
 * per-runtime behaviour is in apply-latency). multiproc's `Pool.map` runs in both contexts, with
 * its default chunksize and with `chunksize: 1`; the default-chunksize rows are measured on the
 * first call and, apart, on a second call (after one untimed map: JIT-compiled code).
 *
 * @example
 * ```ts
 * import poolMap from "./pool-map.ts";
 * console.log(poolMap.reference); // "Pool.map"
 * ```
 */
export default defineWorkload({
  name: "pool-map",
  description: "map of square over 100,000 ints with a 2-worker pool",
  unit: { label: "items/s", higherIsBetter: true },
  reference: "multiprocessing Pool.map",
  params: { full: { items: 100_000, workers: 2 }, quick: { items: 200, workers: 2 } },
  systems: [
    pythonSystem("multiprocessing Pool.map", "pool_map.py", { args: ["default"] }),
    pythonSystem("multiprocessing Pool.map, chunksize=1", "pool_map.py", { args: ["one"] }),
    ...onRuntimes("piscina, one run per item", "pool-map.ts", { args: ["piscina"] }),
    jsSystem("node", "tinypool, one run per item", "pool-map.ts", { args: ["tinypool"] }),
    jsSystem("node", "workerpool, one exec per item", "pool-map.ts", { args: ["workerpool"] }),
    ...onRuntimes("multiproc Pool.map, thread context", "pool-map.ts", { args: ["multiproc-thread", "default"] }),
    ...onRuntimes("multiproc Pool.map, process context", "pool-map.ts", { args: ["multiproc-process", "default"] }),
    // The same, timing a second map: what a long-running program sees once the code is compiled.
    ...onRuntimes("multiproc Pool.map, thread context, second call", "pool-map.ts", { args: ["multiproc-thread", "default-again"] }),
    ...onRuntimes("multiproc Pool.map, process context, second call", "pool-map.ts", { args: ["multiproc-process", "default-again"] }),
    // One task per item, over the same 100,000 items as the libraries (a 10,000-item cap, from
    // when these rows took 10–30 s, left the first tenth of a second's compiling in the rate).
    ...onRuntimes("multiproc Pool.map, chunksize=1, thread context", "pool-map.ts", { args: ["multiproc-thread", "one"] }),
    ...onRuntimes("multiproc Pool.map, chunksize=1, process context", "pool-map.ts", { args: ["multiproc-process", "one"] }),
  ],
});
