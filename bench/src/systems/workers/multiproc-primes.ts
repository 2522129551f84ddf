/**
 * The cpu-speedup workload's multiproc task: count the primes in one `[lo, hi)` chunk, with the
 * same trial division as every other system (`../primes.ts`).
 *
 * @module
 */
import { task } from "@multiproc/core";
import { countPrimes } from "../primes.ts";

/**
 * How many primes there are in the chunk `[lo, hi)`.
 *
 * @example
 * ```ts
 * for await (const n of pool.imapUnordered(primesIn, [[0, 100], [100, 200]])) total += n;
 * ```
 */
export const primesIn = task(import.meta, function primesIn([lo, hi]: readonly [number, number]): number {
  return countPrimes(lo, hi);
});
