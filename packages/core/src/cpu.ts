import { adapter } from "./runtime/index.ts";

/**
 * The number of CPUs this process may use: the analogue of Python's `os.process_cpu_count()`
 * and `multiprocessing.cpu_count()`. It is the default size of a `Pool`.
 *
 * Uses `os.availableParallelism()` where the runtime provides it (it honours CPU affinity), and
 * falls back to the number of logical CPUs. Always at least 1.
 *
 * @returns a positive integer.
 *
 * @example
 * ```ts
 * import { cpuCount } from "@multiproc/core";
 * console.log(`this machine can run ${cpuCount()} processes in parallel`);
 * ```
 */
export function cpuCount(): number {
  return adapter.cpuCount();
}
