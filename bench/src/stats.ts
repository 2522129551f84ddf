/**
 * Summaries of repeated measurements.
 *
 * @module
 */

/**
 * Median, minimum and maximum of a set of samples.
 *
 * @example
 * ```ts
 * const s: Summary = summarise([3, 1, 2]); // { median: 2, min: 1, max: 3, n: 3 }
 * ```
 */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many samples. */
  readonly n: number;
}

/**
 * Summarises samples; the median of an even count is the mean of the middle two.
 *
 * @param samples - at least one number.
 * @returns the summary.
 * @throws RangeError when there are no samples.
 *
 * @example
 * ```ts
 * summarise([4, 1, 3, 2]).median; // 2.5
 * ```
 */
export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError("summarise() needs at least one sample");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] as number;
  const median = sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { median, min: at(0), max: at(sorted.length - 1), n: sorted.length };
}
