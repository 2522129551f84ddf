/**
 * Indexes and slices of shared arrays, with Python's rules: a negative index counts from the
 * end, an index out of range throws, slice bounds are clamped (as in `Array.prototype.slice`,
 * which follows the same rules), and a slice assignment must have as many values as the slice.
 *
 * @internal
 * @module
 */

function integer(value: unknown, what: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw new TypeError(`${what} must be an integer: got ${typeof value === "number" ? value : typeof value}`);
}

/**
 * The element `index` names in an array of `length` elements.
 *
 * @throws TypeError if `index` is not an integer; RangeError if it is out of range.
 */
export function elementIndex(index: unknown, length: number): number {
  const i = integer(index, "an array index");
  const at = i < 0 ? i + length : i;
  if (at < 0 || at >= length) {
    throw new RangeError(`index ${i} is out of range for an array of length ${length} (valid: ${-length} … ${length - 1})`);
  }
  return at;
}

function bound(value: unknown, length: number, fallback: number, what: string): number {
  if (value === undefined || value === null) return fallback;
  const i = integer(value, what);
  return i < 0 ? Math.max(0, i + length) : Math.min(i, length);
}

/** `[from, to)` for slice bounds `start`/`end` (either may be undefined or negative). */
export function sliceRange(start: unknown, end: unknown, length: number): [number, number] {
  const from = bound(start, length, 0, "a slice start");
  const to = bound(end, length, length, "a slice end");
  return [from, Math.max(from, to)];
}

/**
 * Where `count` values go for a slice assignment: at `start` (to the end of the values) when
 * `end` is undefined, else exactly into `[start, end)`.
 *
 * @throws RangeError if the values do not fit, or do not fill the slice exactly.
 */
export function assignRange(start: unknown, end: unknown, count: number, length: number): [number, number] {
  if (end === undefined || end === null) {
    const [from] = sliceRange(start, undefined, length);
    if (from + count > length) {
      const room = length - from;
      throw new RangeError(`cannot write ${count} values at index ${from}: the array has only ${room} element${room === 1 ? "" : "s"} from there`);
    }
    return [from, from + count];
  }
  const [from, to] = sliceRange(start, end, length);
  if (to - from !== count) {
    throw new RangeError(`the slice [${from}, ${to}) has ${to - from} elements but ${count} values were given: a slice assignment cannot change the array's length`);
  }
  return [from, to];
}
