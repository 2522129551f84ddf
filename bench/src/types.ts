/**
 * The shapes the benchmark harness works with: a {@link Workload} names what is measured and
 * lists the {@link System}s that are measured doing it; each measurement of a system is one
 * fresh child process that prints one {@link ChildReport} as a JSON line on its stdout.
 *
 * @module
 */

/**
 * The runtimes a measuring child can run on.
 *
 * @example
 * ```ts
 * const rt: BenchRuntime = "python";
 * ```
 */
export type BenchRuntime = "node" | "deno" | "bun" | "python";

/**
 * What a workload's numbers are and which way is better.
 *
 * @example
 * ```ts
 * const latency: Unit = { label: "µs", perWhat: "round trip", higherIsBetter: false };
 * ```
 */
export interface Unit {
  /** Short unit printed after each number: `"ms"`, `"µs"`, `"items/s"`, `"MiB/s"`, `"×"`. */
  readonly label: string;
  /** What one number is about, for the table's heading (e.g. `"per start+join"`). */
  readonly perWhat?: string;
  /** `true` for throughputs and speed-ups, `false` for times and latencies. */
  readonly higherIsBetter: boolean;
}

/**
 * One way of doing a workload's job, measured in its own child process.
 *
 * The child runs `script` on `runtime` with `args`, then the workload's parameters as one JSON
 * argument, and prints a {@link ChildReport} as its last JSON line on stdout.
 *
 * @example
 * ```ts
 * const piscina: System = {
 *   name: "piscina",
 *   runtime: "node",
 *   script: new URL("./systems/pool-map.ts", import.meta.url),
 *   args: ["piscina"],
 * };
 * ```
 */
export interface System {
  /** Row label, unique within its workload (the runtime is shown in its own column). */
  readonly name: string;
  /** The runtime the measuring child runs on. */
  readonly runtime: BenchRuntime;
  /** The program the child runs: a `.ts` file for JavaScript runtimes, a `.py` file for Python. */
  readonly script: URL;
  /** Arguments given to the program before the parameters' JSON (e.g. which variant to run). */
  readonly args?: readonly string[];
  /** Changes to the child's environment: a string sets the variable, `undefined` removes it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Says why this system cannot be measured here, or returns `undefined` when it can. Checked
   * once before the first measurement; the reason is printed in the table instead of numbers.
   */
  readonly unavailable?: () => string | undefined;
}

/**
 * Parameters given to every system of a workload, as one JSON object. `full` is used by default,
 * `quick` by `--quick` (a tiny run for smoke tests).
 *
 * @example
 * ```ts
 * const params: WorkloadParams = { full: { items: 100_000, workers: 2 }, quick: { items: 200, workers: 2 } };
 * ```
 */
export interface WorkloadParams {
  readonly full: Readonly<Record<string, number>>;
  readonly quick: Readonly<Record<string, number>>;
}

/**
 * A named benchmark: what it measures, its unit, the systems measured and the one the others
 * are compared with.
 *
 * @example
 * ```ts
 * import { defineWorkload } from "./workload.ts";
 * export default defineWorkload({
 *   name: "apply-latency",
 *   description: "sequential single-task round trips through a 2-worker pool",
 *   unit: { label: "µs", perWhat: "round trip", higherIsBetter: false },
 *   reference: "Pool.apply",
 *   params: { full: { calls: 3000 }, quick: { calls: 20 } },
 *   systems: [],
 * });
 * ```
 */
export interface Workload {
  /** Short unique name, used by the name filter (`pnpm bench apply`). */
  readonly name: string;
  /** One line saying what is measured. */
  readonly description: string;
  readonly unit: Unit;
  /** The `name` of the system every ratio is computed against; it must be in `systems`. */
  readonly reference: string;
  /** Runtime of the reference system, when several systems share its name. */
  readonly referenceRuntime?: BenchRuntime;
  readonly params: WorkloadParams;
  /** Longest one measurement may take before its child is killed, in ms (default 180 000). */
  readonly timeoutMs?: number;
  readonly systems: readonly System[];
}

/**
 * Extra figures a child may report besides its main value (e.g. both timings of a speed-up).
 *
 * @example
 * ```ts
 * const detail: Detail = { oneWorkerMs: 640, "2WorkersMs": 330, primes: 216_816 };
 * ```
 */
export type Detail = Readonly<Record<string, number | string>>;

/**
 * What a measuring child prints on stdout, as one JSON line: either a measured value, or why the
 * system is not available on this runtime.
 *
 * @example
 * ```ts
 * const measured: ChildReport = { value: 412_000, detail: { items: 100_000 } };
 * const missing: ChildReport = { unavailable: "Deno has no fork with advanced serialization" };
 * ```
 */
export type ChildReport = { readonly value: number; readonly detail?: Detail } | { readonly unavailable: string };
