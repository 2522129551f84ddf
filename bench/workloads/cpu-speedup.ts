import { defineWorkload, onRuntimes, pythonSystem } from "../src/workload.ts";

/**
 * cpu-speedup: how much faster 2 workers count the primes below 3,000,000 (trial division, in
 * chunks of 50,000 handed out one at a time) than 1 worker does. On a machine with 2 free cores
 * the ideal is 2.0×; the ratio column compares speed-ups, not speeds (each row's absolute times
 * are in the `--json` output).
 *
 * @example
 * ```ts
 * import cpuSpeedup from "./cpu-speedup.ts";
 * console.log(cpuSpeedup.params.full.limit); // 3000000
 * ```
 */
export default defineWorkload({
  name: "cpu-speedup",
  description: "primes below 3,000,000 by trial division: speed-up of 2 workers over 1",
  unit: { label: "×", perWhat: "speed-up (time with 1 worker / time with 2)", higherIsBetter: true },
  reference: "multiprocessing Pool",
  params: {
    // `expected` is π(limit), so that a wrong count fails the measurement.
    full: { limit: 3_000_000, chunk: 50_000, workers: 2, expected: 216_816 },
    quick: { limit: 30_000, chunk: 5_000, workers: 2, expected: 3_245 },
  },
  systems: [
    pythonSystem("multiprocessing Pool", "cpu_speedup.py"),
    ...onRuntimes("worker_threads, raw", "cpu-speedup.ts"),
    ...onRuntimes("multiproc Pool, thread context", "multiproc-cpu-speedup.ts", { args: ["thread"] }),
    ...onRuntimes("multiproc Pool, process context", "multiproc-cpu-speedup.ts", { args: ["process"] }),
  ],
});
