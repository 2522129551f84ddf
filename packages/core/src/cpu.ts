import { availableParallelism, cpus } from "node:os";

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
  let n = 0;
  try {
    n = typeof availableParallelism === "function" ? availableParallelism() : 0;
  } catch {
    n = 0;
  }
  if (!Number.isInteger(n) || n < 1) n = cpus().length;
  return Math.max(1, n);
}
