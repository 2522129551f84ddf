import { defineWorkload, onRuntimes, pythonSystem } from "../src/workload.ts";

/**
 * apply-latency: one task at a time through a started, warmed 2-worker pool, each awaited before
 * the next is sent — the round-trip cost of handing a worker one small job.
 *
 * @example
 * ```ts
 * import applyLatency from "./apply-latency.ts";
 * console.log(applyLatency.unit.label); // "µs"
 * ```
 */
export default defineWorkload({
  name: "apply-latency",
  description: "sequential single-task round trips through a 2-worker pool",
  unit: { label: "µs", perWhat: "per round trip", higherIsBetter: false },
  reference: "multiprocessing Pool.apply",
  params: { full: { calls: 3000, warmup: 200, workers: 2 }, quick: { calls: 20, warmup: 2, workers: 2 } },
  systems: [
    pythonSystem("multiprocessing Pool.apply", "apply_latency.py"),
    ...onRuntimes("piscina run", "apply-latency.ts", { args: ["piscina"] }),
    ...onRuntimes("tinypool run", "apply-latency.ts", { args: ["tinypool"] }),
    ...onRuntimes("workerpool exec", "apply-latency.ts", { args: ["workerpool"] }),
    ...onRuntimes("multiproc Pool.apply, thread context", "apply-latency.ts", { args: ["multiproc-thread"] }),
    ...onRuntimes("multiproc Pool.apply, process context", "apply-latency.ts", { args: ["multiproc-process"] }),
  ],
});
