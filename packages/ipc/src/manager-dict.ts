/**
 * `DictProxy`: a dict held by a `Manager`, used from any process through async methods.
 *
 * @module
 */
import { registerHandle } from "@multiproc/core";
import { preloadInChildren } from "@multiproc/core/internal";
import type { DictKey } from "./manager-dict-store.ts";
import { ManagedProxy, type ProxyRef } from "./manager-proxy.ts";

export type { DictKey } from "./manager-dict-store.ts";

/**
 * What a managed dict can be filled from: a `Map`, any iterable of `[key, value]` pairs, or a
 * plain object (its own enumerable string keys).
 *
 * @typeParam K - the keys' type.
 * @typeParam V - the values' type.
 *
 * @example
 * ```ts
 * import type { DictInit } from "@multiproc/ipc";
 * const a: DictInit<string, number> = new Map([["x", 1]]);
 * const b: DictInit<string, number> = [["x", 1]];
 * const c: DictInit<string, number> = { x: 1 };
 * ```
 */
export type DictInit<K extends DictKey, V> = Iterable<readonly [K, V]> | Readonly<Record<NoInfer<K> & string, V>>;

/**
 * The `[key, value]` pairs of a {@link DictInit}, as an array that can be sent.
 *
 * @internal
 */
export function entriesOf(init: unknown, what: string): [unknown, unknown][] {
  if (init === null || typeof init !== "object") {
    throw new TypeError(`${what}: expected a Map, an iterable of [key, value] pairs or a plain object, got ${String(init)}`);
  }
  if (Symbol.iterator in init) {
    return Array.from(init as Iterable<unknown>, (pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${what}: expected [key, value] pairs, got ${String(pair)}`);
      return [pair[0], pair[1]] as [unknown, unknown];
    });
  }
  return Object.entries(init);
}

/**
 * A proxy for a dict that lives in a `Manager`'s process (Python's `DictProxy`, made by
 * `manager.dict()`). Every method is async and runs in the manager, one call at a time, so each
 * one is atomic: `setDefault`, `pop`, `update`… never interleave with another process's call. A
 * read-modify-write made of two calls (`get` then `set`) is not atomic: guard it with a lock from
 * `manager.Lock()`.
 *
 * Pass the proxy to children (as a `Process` argument, a `Pool` initarg, a queue item): they get a
 * proxy for the same dict.
 *
 * Keys are primitives (strings, numbers, bigints, booleans, `null`). Values are copied both ways:
 * **a value read from the dict is a copy**, so changing it changes nothing in the dict until you
 * assign it back with `set` — Python's rule for mutable values in a managed dict:
 *
 * ```ts
 * const user = await d.get("ada");   // a copy
 * user.visits += 1;                  // changes the copy only
 * await d.set("ada", user);          // now the dict has it
 * ```
 *
 * A proxy (or a `Lock`, `Queue`… made by the manager) stored as a value stays a live reference.
 *
 * @typeParam K - the keys' type.
 * @typeParam V - the values' type.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 * import { Manager, type DictProxy } from "@multiproc/ipc";
 *
 * export const work = task(import.meta, async function work(results: DictProxy<string, number>, n: number) {
 *   await results.set(`square of ${n}`, n * n);
 * });
 *
 * if (isMain(import.meta)) {
 *   await using manager = await Manager.start();
 *   const results = await manager.dict<string, number>();
 *   const children = [1, 2, 3].map((n) => new Process({ target: work, args: [results, n] }));
 *   children.forEach((p) => p.start());
 *   for (const p of children) await p.join();
 *   console.log(await results.copy()); // Map { "square of 1" => 1, "square of 2" => 4, "square of 3" => 9 } (in any order)
 * }
 * ```
 */
export class DictProxy<K extends DictKey = string, V = unknown> extends ManagedProxy {
  /** @internal */
  constructor(ref: ProxyRef) {
    super(ref);
  }

  /** @internal */
  protected get kind(): string {
    return "@multiproc/ipc:DictProxy";
  }

  /**
   * The value of `key` (a copy: see the class's notes).
   *
   * @param key - the key.
   * @returns the value.
   * @throws KeyError if the dict has no such key.
   */
  get(key: K): Promise<V>;
  /**
   * The value of `key`, or `defaultValue` (a value of the dict's own type, such as `[]` for a
   * dict of lists) if the dict has no such key.
   *
   * @param key - the key.
   * @param defaultValue - what to return for a missing key.
   * @returns the value or the default.
   */
  get(key: K, defaultValue: V): Promise<V>;
  /**
   * The value of `key`, or `defaultValue` if the dict has no such key.
   *
   * @param key - the key.
   * @param defaultValue - what to return for a missing key.
   * @returns the value or the default.
   */
  get<D>(key: K, defaultValue: D): Promise<V | D>;
  get(key: K, ...defaultValue: [] | [unknown]): Promise<unknown> {
    return this.call("get", [key, ...defaultValue]);
  }

  /**
   * Sets `key` to a copy of `value`.
   *
   * @param key - the key.
   * @param value - the value.
   */
  async set(key: K, value: V): Promise<void> {
    await this.call("set", [key, value], true);
  }

  /**
   * Whether the dict has `key`.
   *
   * @param key - the key.
   * @returns true if it has it.
   */
  has(key: K): Promise<boolean> {
    return this.call("has", [key]) as Promise<boolean>;
  }

  /**
   * Removes `key`, as `Map.prototype.delete` does (use {@link DictProxy.pop} for Python's
   * `del d[key]`, which throws for a missing key).
   *
   * @param key - the key.
   * @returns true if the key was there.
   */
  delete(key: K): Promise<boolean> {
    return this.call("delete", [key], true) as Promise<boolean>;
  }

  /**
   * Removes `key` and returns its value.
   *
   * @param key - the key.
   * @returns the value it had.
   * @throws KeyError if the dict has no such key.
   */
  pop(key: K): Promise<V>;
  /**
   * Removes `key` and returns its value, or `defaultValue` if the dict has no such key.
   *
   * @param key - the key.
   * @param defaultValue - what to return for a missing key.
   * @returns the value or the default.
   */
  pop<D>(key: K, defaultValue: D): Promise<V | D>;
  pop(key: K, ...defaultValue: [] | [unknown]): Promise<unknown> {
    return this.call("pop", [key, ...defaultValue], true);
  }

  /**
   * Removes and returns the most recently inserted entry (Python's `popitem()`).
   *
   * @returns the `[key, value]` pair.
   * @throws KeyError if the dict is empty.
   */
  popItem(): Promise<[K, V]> {
    return this.call("popItem", [], true) as Promise<[K, V]>;
  }

  /**
   * Returns the value of `key`, first setting it to `defaultValue` if it is missing — in one
   * atomic step, so that of several processes racing to initialise a key exactly one wins.
   *
   * @param key - the key.
   * @param defaultValue - the value to set if the key is missing.
   * @returns the value the key has now.
   */
  setDefault(key: K, defaultValue: V): Promise<V> {
    return this.call("setDefault", [key, defaultValue], true) as Promise<V>;
  }

  /**
   * Sets many entries in one atomic step.
   *
   * @param entries - a Map, an iterable of `[key, value]` pairs, or a plain object.
   * @throws TypeError for a key that is not a primitive (and then nothing is set).
   */
  async update(entries: DictInit<K, V>): Promise<void> {
    await this.call("update", [entriesOf(entries, "DictProxy.update()")], true);
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    await this.call("clear", [], true);
  }

  /**
   * The number of entries (Python's `len(d)`).
   *
   * @returns how many keys the dict has.
   */
  size(): Promise<number> {
    return this.call("size", []) as Promise<number>;
  }

  /**
   * The keys, in insertion order.
   *
   * @returns a new array.
   */
  keys(): Promise<K[]> {
    return this.call("keys", []) as Promise<K[]>;
  }

  /**
   * The values (copies), in insertion order.
   *
   * @returns a new array.
   */
  values(): Promise<V[]> {
    return this.call("values", []) as Promise<V[]>;
  }

  /**
   * The entries (copies), in insertion order.
   *
   * @returns a new array of `[key, value]` pairs.
   */
  items(): Promise<[K, V][]> {
    return this.call("items", []) as Promise<[K, V][]>;
  }

  /**
   * A copy of the whole dict, taken in one atomic step.
   *
   * @returns a new `Map`.
   */
  async copy(): Promise<Map<K, V>> {
    return new Map(await this.items());
  }

  /**
   * Iterates over a snapshot of the entries taken when the loop starts (later changes are not
   * seen).
   *
   * @returns an async iterator of `[key, value]` pairs.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<[K, V]> {
    yield* await this.items();
  }
}

preloadInChildren(import.meta.url);
registerHandle("@multiproc/ipc:DictProxy", (state) => new DictProxy(state as ProxyRef));
