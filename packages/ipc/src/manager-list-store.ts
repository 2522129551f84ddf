/**
 * The state behind a `ListProxy`, in the manager's process: an array whose operations run one at a
 * time there, so `append`, `extend`, `pop`… are atomic. Indexes follow Python: negative ones count
 * from the end, and one out of range throws `IndexError`.
 *
 * @internal
 * @module
 */
import type { ServedObject } from "@multiproc/core/internal";
import { compare, equal } from "./manager-equality.ts";
import { describeValue, IndexError, ValueError } from "./manager-errors.ts";

function checkInteger(i: unknown, what: string): number {
  if (typeof i !== "number" || !Number.isInteger(i)) throw new TypeError(`${what}: the index must be an integer, got ${describeValue(i)}`);
  return i;
}

/** `i` as a position in a list of `length` items (negative from the end), or throws IndexError. */
function position(i: unknown, length: number, what: string): number {
  const n = checkInteger(i, what);
  const p = n < 0 ? n + length : n;
  if (p < 0 || p >= length) throw new IndexError(n, `${what}: index ${n} is out of range (the list has ${length} item${length === 1 ? "" : "s"})`);
  return p;
}

/** A slice bound as Python takes it: negative from the end, clamped to [0, length]. */
function bound(i: unknown, length: number, fallback: number, what: string): number {
  if (i === undefined || i === null) return fallback;
  const n = checkInteger(i, what);
  return Math.min(length, Math.max(0, n < 0 ? n + length : n));
}

/** A served array. */
export class ListStore implements ServedObject {
  readonly #items: unknown[];

  /** @param items - the initial items. */
  constructor(items: unknown[]) {
    if (!Array.isArray(items)) throw new TypeError("list(): the initial items must be an array or another iterable");
    this.#items = items;
  }

  #find(value: unknown, start: unknown, stop: unknown, what: string): number {
    const items = this.#items;
    const from = bound(start, items.length, 0, what);
    const to = bound(stop, items.length, items.length, what);
    for (let i = from; i < to; i++) if (equal(items[i], value)) return i;
    throw new ValueError(`${what}: ${describeValue(value)} is not in the list`);
  }

  call(method: string, args: unknown[]): unknown {
    const items = this.#items;
    switch (method) {
      case "get":
        return items[position(args[0], items.length, "ListProxy.get()")];
      case "set":
        items[position(args[0], items.length, "ListProxy.set()")] = args[1];
        return undefined;
      case "append":
        items.push(args[0]);
        return undefined;
      case "extend":
        if (!Array.isArray(args[0])) throw new TypeError("extend(): expected an array or another iterable");
        for (const item of args[0]) items.push(item);
        return undefined;
      case "insert":
        items.splice(bound(args[0], items.length, items.length, "ListProxy.insert()"), 0, args[1]);
        return undefined;
      case "pop": {
        if (items.length === 0) throw new IndexError(-1, "pop(): the list is empty");
        const p = position(args[0] ?? -1, items.length, "ListProxy.pop()");
        return items.splice(p, 1)[0];
      }
      case "remove":
        items.splice(this.#find(args[0], undefined, undefined, "ListProxy.remove()"), 1);
        return undefined;
      case "index":
        return this.#find(args[0], args[1], args[2], "ListProxy.index()");
      case "count":
        return items.reduce((n: number, item) => (equal(item, args[0]) ? n + 1 : n), 0);
      case "length":
        return items.length;
      case "slice":
        return items.slice(bound(args[0], items.length, 0, "ListProxy.slice()"), bound(args[1], items.length, items.length, "ListProxy.slice()"));
      case "sort": {
        const reverse = (args[0] as { reverse?: boolean } | undefined)?.reverse === true;
        // Sort a copy first: a comparison that throws leaves the list as it was, as in Python.
        const sorted = [...items].sort(reverse ? (a, b) => compare(b, a) : compare);
        sorted.forEach((item, i) => (items[i] = item));
        return undefined;
      }
      case "reverse":
        items.reverse();
        return undefined;
      case "clear":
        items.length = 0;
        return undefined;
      default:
        throw new TypeError(`a managed list has no method ${method}`);
    }
  }
}
