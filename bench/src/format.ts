/**
 * Number formatting shared by the table and the progress lines.
 *
 * @module
 */

/**
 * Formats a measured value for the table: thousands separated when large, three significant
 * digits when small.
 *
 * @param v - the value.
 * @returns the text.
 *
 * @example
 * ```ts
 * formatValue(412345.6); // "412,346"
 * formatValue(27.43);    // "27.4"
 * formatValue(0.01234);  // "0.0123"
 * ```
 */
export function formatValue(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a === 0) return "0";
  return v.toPrecision(3);
}

/**
 * Formats a ratio with two decimals, or two significant digits when it is below 0.1, so that
 * small ratios do not print as `0.00×`.
 *
 * @param r - the ratio.
 * @returns the text, ending in `×`.
 *
 * @example
 * ```ts
 * formatRatio(0.5183); // "0.52×"
 * formatRatio(0.0046); // "0.0046×"
 * formatRatio(12.34);  // "12.3×"
 * ```
 */
export function formatRatio(r: number): string {
  const text = r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.1 || r === 0 ? r.toFixed(2) : r.toPrecision(2);
  return `${text}×`;
}

/**
 * Says how a ratio compares with the reference, for a unit where higher or lower is better.
 *
 * @param ratio - system median / reference median.
 * @param higherIsBetter - the unit's direction.
 * @returns e.g. `"2.10× better"`, `"3.00× worse"`, or `"same"` within 0.5 %.
 *
 * @example
 * ```ts
 * verdict(0.5, false); // "2.00× better" (half the latency)
 * verdict(0.5, true);  // "2.00× worse"  (half the throughput)
 * ```
 */
export function verdict(ratio: number, higherIsBetter: boolean): string {
  const better = higherIsBetter ? ratio : 1 / ratio;
  if (Math.abs(better - 1) < 0.005) return "same";
  return better > 1 ? `${formatRatio(better)} better` : `${formatRatio(1 / better)} worse`;
}
