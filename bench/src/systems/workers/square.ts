/**
 * The task of the pool workloads, as piscina and tinypool load it: the default export squares
 * its argument.
 *
 * @param x - a number.
 * @returns `x * x`.
 *
 * @example
 * ```ts
 * square(12); // 144
 * ```
 */
export default function square(x: number): number {
  return x * x;
}
