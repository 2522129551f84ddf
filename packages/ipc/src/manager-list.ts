/**
 * `ListProxy`: a list held by a `Manager`, used from any process through async methods.
 *
 * @module
 */
import { registerHandle } from "@multiproc/core";
import { preloadInChildren } from "@multiproc/core/internal";
import { ManagedProxy, type ProxyRef } from "./manager-proxy.ts";

/**
 * The items of an iterable, as an array that can be sent.
 *
 * @internal
 */
export function itemsOf<T>(items: Iterable<T>, what: string): T[] {
  if (typeof items === "string" || (items !== null && typeof items === "object" && Symbol.iterator in items)) return Array.from(items);
  throw new TypeError(`${what}: expected an array or another iterable, got ${String(items)}`);
}

/**
 * A proxy for a list that lives in a `Manager`'s process (Python's `ListProxy`, made by
 * `manager.list()`). Every method is async and runs in the manager one call at a time, so
 * `append`, `extend`, `insert`, `pop`, `remove` are atomic: appends from many processes are never
 * lost. Indexes are Python's: negative ones count from the end (`-1` is the last item), and one
 * out of range throws `IndexError`.
 *
 * Items are copied both ways: **an item read from the list is a copy**; after changing it, assign
 * it back with `set(i, item)` (Python's rule for mutable items of a managed list). `remove`,
 * `index` and `count` compare items by content, since they arrive as copies.
 *
 * @typeParam T - the items' type.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 * import { Manager, type ListProxy } from "@multiproc/ipc";
 *
 * export const collect = task(import.meta, async function collect(log: ListProxy<string>, id: number) {
 *   for (let i = 0; i < 3; i++) await log.append(`${id}:${i}`);
 * });
 *
 * if (isMain(import.meta)) {
 *   await using manager = await Manager.start();
 *   const log = await manager.list<string>();
 *   const children = [1, 2].map((id) => new Process({ target: collect, args: [log, id] }));
 *   children.forEach((p) => p.start());
 *   for (const p of children) await p.join();
 *   console.log(await log.length()); // 6
 * }
 * ```
 */
export class ListProxy<T = unknown> extends ManagedProxy {
  /** @internal */
  constructor(ref: ProxyRef) {
    super(ref);
  }

  /** @internal */
  protected get kind(): string {
    return "@multiproc/ipc:ListProxy";
  }

  /**
   * The item at `index` (a copy).
   *
   * @param index - an integer; negative counts from the end.
   * @returns the item.
   * @throws IndexError if the index is out of range.
   */
  get(index: number): Promise<T> {
    return this.call("get", [index]) as Promise<T>;
  }

  /**
   * Replaces the item at `index` with a copy of `value`.
   *
   * @param index - an integer; negative counts from the end.
   * @param value - the new item.
   * @throws IndexError if the index is out of range.
   */
  async set(index: number, value: T): Promise<void> {
    await this.call("set", [index, value], true);
  }

  /**
   * Adds an item at the end.
   *
   * @param value - the item.
   */
  async append(value: T): Promise<void> {
    await this.call("append", [value], true);
  }

  /**
   * Adds every item of `values` at the end, in one atomic step.
   *
   * @param values - an array or another iterable.
   */
  async extend(values: Iterable<T>): Promise<void> {
    await this.call("extend", [itemsOf(values, "ListProxy.extend()")], true);
  }

  /**
   * Inserts an item before `index` (Python's `insert`: an index past either end inserts at
   * that end).
   *
   * @param index - an integer; negative counts from the end.
   * @param value - the item.
   */
  async insert(index: number, value: T): Promise<void> {
    await this.call("insert", [index, value], true);
  }

  /**
   * Removes the item at `index` (the last by default) and returns it.
   *
   * @param index - an integer; negative counts from the end.
   * @returns the item.
   * @throws IndexError if the list is empty or the index is out of range.
   */
  pop(index = -1): Promise<T> {
    return this.call("pop", [index], true) as Promise<T>;
  }

  /**
   * Removes the first item equal to `value`.
   *
   * @param value - what to remove (compared by content).
   * @throws ValueError if no item is equal to it.
   */
  async remove(value: T): Promise<void> {
    await this.call("remove", [value], true);
  }

  /**
   * The position of the first item equal to `value`, looking from `start` up to `stop`.
   *
   * @param value - what to look for (compared by content).
   * @param start - where to start (default 0; negative counts from the end).
   * @param stop - where to stop, exclusive (default: the end).
   * @returns the index.
   * @throws ValueError if no item is equal to it.
   */
  index(value: T, start?: number, stop?: number): Promise<number> {
    return this.call("index", [value, start, stop]) as Promise<number>;
  }

  /**
   * How many items are equal to `value`.
   *
   * @param value - what to count (compared by content).
   * @returns the count.
   */
  count(value: T): Promise<number> {
    return this.call("count", [value]) as Promise<number>;
  }

  /**
   * The number of items (Python's `len(l)`).
   *
   * @returns the length.
   */
  length(): Promise<number> {
    return this.call("length", []) as Promise<number>;
  }

  /**
   * A copy of the items from `start` up to `end` (exclusive), as `Array.prototype.slice` and
   * Python's `l[start:end]` take them.
   *
   * @param start - the first index (default 0; negative counts from the end).
   * @param end - the index to stop before (default: the end).
   * @returns a new array.
   */
  slice(start?: number, end?: number): Promise<T[]> {
    return this.call("slice", [start, end]) as Promise<T[]>;
  }

  /**
   * Sorts the list in place, in the manager, as Python does: numbers by value (not as text),
   * strings by code units, booleans, Dates, arrays item by item. A comparison function cannot be
   * sent to another process; sort a copy locally if you need one.
   *
   * @param options - `reverse: true` for descending order.
   * @throws TypeError if two items cannot be ordered (a number and a string); the list is then
   *   unchanged.
   */
  async sort(options: { reverse?: boolean } = {}): Promise<void> {
    await this.call("sort", [{ reverse: options.reverse === true }], true);
  }

  /** Reverses the list in place. */
  async reverse(): Promise<void> {
    await this.call("reverse", [], true);
  }

  /** Removes every item. */
  async clear(): Promise<void> {
    await this.call("clear", [], true);
  }

  /**
   * A copy of the whole list, taken in one atomic step.
   *
   * @returns a new array.
   */
  copy(): Promise<T[]> {
    return this.slice();
  }

  /**
   * Iterates over a snapshot of the items taken when the loop starts (later changes are not
   * seen).
   *
   * @returns an async iterator of items.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.copy();
  }
}

preloadInChildren(import.meta.url);
registerHandle("@multiproc/ipc:ListProxy", (state) => new ListProxy(state as ProxyRef));
