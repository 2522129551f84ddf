/**
 * The errors of `Manager` and its proxies. The lookup errors are named after Python's
 * (`KeyError`, `IndexError`, `ValueError`, `AttributeError`) and are registered with the codec, so
 * an error thrown in the manager's process reaches the caller as an instance of the same class.
 *
 * @module
 */
import { OwnerGoneError, registerErrorClass } from "@multiproc/core";

/**
 * A short, readable form of a key or value for error messages (at most about 60 characters).
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (value === null || typeof value !== "object") text = String(value);
  else {
    try {
      text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A key is not in a managed dict (Python's `KeyError`): `get(key)` without a default, `pop(key)`
 * without a default, or `popItem()` on an empty dict.
 *
 * @example
 * ```ts
 * import { KeyError, Manager } from "@multiproc/ipc";
 * await using manager = await Manager.start();
 * const d = await manager.dict<string, number>();
 * try {
 *   await d.get("missing");
 * } catch (err) {
 *   if (err instanceof KeyError) console.log(err.key); // "missing"
 * }
 * ```
 */
export class KeyError extends Error {
  /** The key that was not found (`undefined` for `popItem()` on an empty dict). */
  readonly key: unknown;
  /**
   * @param key - the missing key.
   * @param message - the message; by default it names the key.
   */
  constructor(key: unknown, message = `the key ${describeValue(key)} is not in the dict; use get(key, default) or has(key) to check first`) {
    super(message);
    this.name = "KeyError";
    this.key = key;
  }
}

/**
 * An index is out of range for a managed list (Python's `IndexError`). Negative indexes count
 * from the end, as in Python: `-1` is the last item.
 *
 * @example
 * ```ts
 * import { IndexError, Manager } from "@multiproc/ipc";
 * await using manager = await Manager.start();
 * const l = await manager.list([1, 2, 3]);
 * await l.get(-1); // 3
 * await l.get(3).catch((err) => err instanceof IndexError); // true
 * ```
 */
export class IndexError extends Error {
  /** The index that was out of range. */
  readonly index: number;
  /**
   * @param index - the index.
   * @param message - what was out of range.
   */
  constructor(index: number, message = `list index ${index} is out of range`) {
    super(message);
    this.name = "IndexError";
    this.index = index;
  }
}

/**
 * A value is not in a managed list (Python's `ValueError` from `list.remove(x)` and
 * `list.index(x)`).
 *
 * @example
 * ```ts
 * import { Manager, ValueError } from "@multiproc/ipc";
 * await using manager = await Manager.start();
 * const l = await manager.list(["a"]);
 * await l.remove("b").catch((err) => err instanceof ValueError); // true
 * ```
 */
export class ValueError extends Error {
  /** @param message - what was wrong with the value. */
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

/**
 * A managed namespace has no attribute of that name (Python's `AttributeError`).
 *
 * @example
 * ```ts
 * import { AttributeError, Manager } from "@multiproc/ipc";
 * await using manager = await Manager.start();
 * const ns = await manager.namespace({ x: 1 });
 * await ns.get("y" as "x").catch((err) => err instanceof AttributeError); // true
 * ```
 */
export class AttributeError extends Error {
  /** The attribute that was not found. */
  readonly attribute: string;
  /** @param attribute - the missing attribute's name. */
  constructor(attribute: string) {
    super(`the namespace has no attribute ${describeValue(attribute)}; use has(name) to check first`);
    this.name = "AttributeError";
    this.attribute = attribute;
  }
}

/**
 * The manager is gone: it was shut down (or its process exited), so the object a proxy or a
 * `Manager` method refers to no longer exists. It extends `OwnerGoneError` (what any object whose
 * owner has exited reports): a `Lock`, `Queue`, `Value`… made by the manager fails with
 * `OwnerGoneError` after the shutdown.
 *
 * @example
 * ```ts
 * import { Manager, ManagerShutdownError } from "@multiproc/ipc";
 * const manager = await Manager.start();
 * const d = await manager.dict();
 * await manager.shutdown();
 * await d.size().catch((err) => err instanceof ManagerShutdownError); // true
 * ```
 */
export class ManagerShutdownError extends OwnerGoneError {
  /** @param message - what could not be done, and why. */
  constructor(message: string) {
    super(message);
    this.name = "ManagerShutdownError";
  }
}

/**
 * The manager's process could not start its server (it exited before it was ready). Its own
 * error is printed on stderr, prefixed with the process's name.
 *
 * @example
 * ```ts
 * import { Manager, ManagerStartError } from "@multiproc/ipc";
 * try {
 *   await Manager.start();
 * } catch (err) {
 *   if (err instanceof ManagerStartError) console.error("no manager:", err.message);
 * }
 * ```
 */
export class ManagerStartError extends Error {
  /** @param message - what went wrong. */
  constructor(message: string) {
    super(message);
    this.name = "ManagerStartError";
  }
}

/**
 * Whether `error` says that an object's owner is gone (a local `OwnerGoneError`, or one that came
 * over the wire as a plain error of that name).
 *
 * @internal
 */
export function isOwnerGone(error: unknown): boolean {
  return error instanceof OwnerGoneError || (error instanceof Error && error.name === "OwnerGoneError");
}

/**
 * `error`, or a {@link ManagerShutdownError} naming the manager when `error` says its process is
 * gone.
 *
 * @internal
 */
export function translateGone(error: unknown, manager: string, what: string): unknown {
  if (!isOwnerGone(error) || error instanceof ManagerShutdownError) return error;
  return new ManagerShutdownError(shutdownMessage(manager, what));
}

/**
 * The message of a {@link ManagerShutdownError}.
 *
 * @internal
 */
export function shutdownMessage(manager: string, what: string): string {
  return (
    `${what}: the manager ${manager} has shut down (or its process exited), and the objects it held are gone. ` +
    "Use proxies only while the manager runs: copy what you need (await proxy.copy()) before shutdown()."
  );
}

for (const cls of [KeyError, IndexError, ValueError, AttributeError, ManagerShutdownError, ManagerStartError]) registerErrorClass(cls);
