/**
 * The pool workloads' multiproc task: the same `square` as `square.ts` (piscina, tinypool), as a
 * multiproc task the pool's workers import.
 *
 * @module
 */
import { task } from "@multiproc/core";

/**
 * Squares its argument.
 *
 * @example
 * ```ts
 * await pool.map(square, [1, 2, 3]); // [1, 4, 9]
 * ```
 */
export const square = task(import.meta, function square(x: number): number {
  return x * x;
});
