/**
 * The CPU-bound task of the cpu-speedup workload: counting primes by trial division, the same
 * algorithm as `bench/python/cpu_speedup.py`.
 *
 * @module
 */

/**
 * How many primes there are in `[lo, hi)`, by trial division with odd divisors up to √n.
 *
 * @param lo - first number checked.
 * @param hi - one past the last number checked.
 * @returns the count.
 *
 * @example
 * ```ts
 * countPrimes(0, 100); // 25
 * ```
 */
export function countPrimes(lo: number, hi: number): number {
  let count = 0;
  for (let n = Math.max(lo, 2); n < hi; n++) {
    if (n % 2 === 0) {
      if (n === 2) count++;
      continue;
    }
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * Splits `[0, limit)` into consecutive chunks of `size` numbers (the last may be shorter).
 *
 * @param limit - one past the last number.
 * @param size - numbers per chunk.
 * @returns the chunks as `[lo, hi)` pairs.
 *
 * @example
 * ```ts
 * chunks(10, 4); // [[0, 4], [4, 8], [8, 10]]
 * ```
 */
export function chunks(limit: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let lo = 0; lo < limit; lo += size) out.push([lo, Math.min(lo + size, limit)]);
  return out;
}
