/**
 * How a managed list compares the values it holds. Values reach the manager as copies, so they
 * cannot be compared by identity: `remove`, `index` and `count` compare by content (Python's
 * `==` does the same for lists and dicts), and `sort` orders numbers, strings and the like as
 * Python does rather than as text.
 *
 * @internal
 * @module
 */

/**
 * Whether `a` and `b` hold the same data: primitives by SameValueZero (so `NaN` matches `NaN`, as
 * with `Array.prototype.includes`), arrays, plain objects, Maps, Sets, Dates, RegExps, errors and
 * typed arrays by content; other objects only when they are the same object.
 */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => equal(x, other[i]));
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [k, v] of a) if (!other.has(k) || !equal(v, other.get(k))) return false;
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    return a.size === other.size && [...a].every((x) => other.has(x));
  }
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength);
    return x.length === y.length && x.every((byte, i) => byte === y[i]);
  }
  if (a instanceof Error) {
    const other = b as Error;
    if (a.name !== other.name || a.message !== other.message) return false;
  } else if (Object.getPrototypeOf(a) !== Object.prototype && Object.getPrototypeOf(a) !== null) {
    return false;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type Rank = "number" | "string" | "boolean" | "date" | "array";

function rank(v: unknown): Rank | undefined {
  if (typeof v === "number" || typeof v === "bigint") return "number";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  if (v instanceof Date) return "date";
  if (Array.isArray(v)) return "array";
  return undefined;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  return (v as object).constructor?.name ?? "object";
}

/**
 * Orders two values as Python's `<` would: numbers and bigints by value, strings by code units,
 * booleans (`false` first), Dates by time, arrays item by item.
 *
 * @throws TypeError for values of kinds that have no order between them (a string and a number,
 *   an object…), as Python's `sort()` does.
 */
export function compare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra === undefined || ra !== rb) {
    throw new TypeError(`sort(): cannot order ${typeName(a)} and ${typeName(b)}; sort numbers, strings, booleans, Dates or arrays of them`);
  }
  if (ra === "array") {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  const x = ra === "date" ? (a as Date).getTime() : (a as number | bigint | string | boolean);
  const y = ra === "date" ? (b as Date).getTime() : (b as number | bigint | string | boolean);
  return x < y ? -1 : x > y ? 1 : 0;
}
