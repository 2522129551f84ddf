/**
 * The state behind a `DictProxy` or a `NamespaceProxy`, in the manager's process: a `Map` whose
 * operations run one at a time there, so each method (`setDefault`, `update`, `pop`…) is atomic.
 *
 * @internal
 * @module
 */
import type { ServedObject } from "@multiproc/core/internal";
import { describeValue, KeyError } from "./manager-errors.ts";

/**
 * What a managed dict's keys may be: primitives, which stay equal to themselves when they are
 * copied to the manager (an object key would arrive as a different object and never match).
 *
 * @example
 * ```ts
 * import type { DictKey } from "@multiproc/ipc";
 * const keys: DictKey[] = ["name", 42, 7n, true, null];
 * ```
 */
export type DictKey = string | number | bigint | boolean | null;

function checkKey(key: unknown): DictKey {
  const t = typeof key;
  if (key === null || t === "string" || t === "number" || t === "bigint" || t === "boolean") return key as DictKey;
  throw new TypeError(
    `a managed dict's keys must be strings, numbers, bigints, booleans or null, not ${describeValue(key)}: ` +
      "a key reaches the manager as a copy, so an object key would never match. Use a string made from it (JSON, an id).",
  );
}

/** A served Map. `missing` makes the error for a key that is not there (KeyError, AttributeError). */
export class DictStore implements ServedObject {
  readonly #map = new Map<DictKey, unknown>();
  readonly #missing: (key: DictKey) => Error;

  /**
   * @param entries - the initial entries.
   * @param missing - the error for a missing key.
   */
  constructor(entries: readonly (readonly [unknown, unknown])[], missing: (key: DictKey) => Error = (key) => new KeyError(key)) {
    this.#missing = missing;
    this.#update(entries);
  }

  #update(entries: readonly (readonly [unknown, unknown])[]): void {
    if (!Array.isArray(entries)) throw new TypeError("update(): expected [key, value] pairs");
    const checked = entries.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`update(): expected [key, value] pairs, got ${describeValue(pair)}`);
      return [checkKey(pair[0]), pair[1]] as const;
    });
    // All keys are checked first: a bad pair changes nothing.
    for (const [k, v] of checked) this.#map.set(k, v);
  }

  /** Takes `key` out, or the default (args[1]) if given, else throws the missing-key error. */
  #lookup(args: unknown[], remove: boolean): unknown {
    const key = checkKey(args[0]);
    if (this.#map.has(key)) {
      const value = this.#map.get(key);
      if (remove) this.#map.delete(key);
      return value;
    }
    if (args.length > 1) return args[1];
    throw this.#missing(key);
  }

  call(method: string, args: unknown[]): unknown {
    const map = this.#map;
    switch (method) {
      case "get":
        return this.#lookup(args, false);
      case "pop":
        return this.#lookup(args, true);
      case "set":
        map.set(checkKey(args[0]), args[1]);
        return undefined;
      case "has":
        return map.has(checkKey(args[0]));
      case "delete":
        return map.delete(checkKey(args[0]));
      case "setDefault": {
        const key = checkKey(args[0]);
        if (!map.has(key)) map.set(key, args[1]);
        return map.get(key);
      }
      case "popItem": {
        const last = [...map.keys()].at(-1);
        if (map.size === 0) throw new KeyError(undefined, "popItem(): the dict is empty");
        const value = map.get(last!);
        map.delete(last!);
        return [last, value];
      }
      case "update":
        this.#update(args[0] as [unknown, unknown][]);
        return undefined;
      case "clear":
        map.clear();
        return undefined;
      case "size":
        return map.size;
      case "keys":
        return [...map.keys()];
      case "values":
        return [...map.values()];
      case "items":
        return [...map.entries()];
      default:
        throw new TypeError(`a managed dict has no method ${method}`);
    }
  }
}
