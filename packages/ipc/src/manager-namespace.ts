/**
 * `NamespaceProxy`: a bag of named values held by a `Manager` (Python's `manager.Namespace()`).
 *
 * @module
 */
import { registerHandle } from "@multiproc/core";
import { preloadInChildren } from "@multiproc/core/internal";
import { ManagedProxy, type ProxyRef } from "./manager-proxy.ts";

/**
 * A proxy for a namespace that lives in a `Manager`'s process: named values that any process
 * holding the proxy can read and set (Python's `Namespace` proxy, where you would write `ns.x`).
 * Like a managed dict, it stores copies: **a value read from it is a copy**, so after changing an
 * object you read, `set` it back.
 *
 * @typeParam T - the names and types of its values.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 * import { Manager, type NamespaceProxy } from "@multiproc/ipc";
 *
 * type Settings = { mode: string; done: number };
 *
 * export const child = task(import.meta, async function child(ns: NamespaceProxy<Settings>) {
 *   console.log(await ns.get("mode")); // "fast"
 *   await ns.set("done", 1);
 * });
 *
 * if (isMain(import.meta)) {
 *   await using manager = await Manager.start();
 *   const ns = await manager.namespace<Settings>({ mode: "fast", done: 0 });
 *   const p = new Process({ target: child, args: [ns] });
 *   p.start();
 *   await p.join();
 *   console.log(await ns.copy()); // { mode: "fast", done: 1 }
 * }
 * ```
 */
export class NamespaceProxy<T extends Record<string, unknown> = Record<string, unknown>> extends ManagedProxy {
  /** @internal */
  constructor(ref: ProxyRef) {
    super(ref);
  }

  /** @internal */
  protected get kind(): string {
    return "@multiproc/ipc:NamespaceProxy";
  }

  /**
   * The value of an attribute (a copy).
   *
   * @param name - the attribute's name.
   * @returns its value.
   * @throws AttributeError if the namespace has no such attribute.
   */
  get<N extends keyof T & string>(name: N): Promise<T[N]> {
    return this.call("get", [name]) as Promise<T[N]>;
  }

  /**
   * Sets an attribute to a copy of `value`.
   *
   * @param name - the attribute's name.
   * @param value - its new value.
   */
  async set<N extends keyof T & string>(name: N, value: T[N]): Promise<void> {
    await this.call("set", [name, value], true);
  }

  /**
   * Whether the namespace has an attribute.
   *
   * @param name - the attribute's name.
   * @returns true if it has it.
   */
  has(name: keyof T & string): Promise<boolean> {
    return this.call("has", [name]) as Promise<boolean>;
  }

  /**
   * Removes an attribute.
   *
   * @param name - the attribute's name.
   * @returns true if it was there.
   */
  delete(name: keyof T & string): Promise<boolean> {
    return this.call("delete", [name], true) as Promise<boolean>;
  }

  /**
   * A copy of every attribute, taken in one atomic step.
   *
   * @returns a new plain object.
   */
  async copy(): Promise<Partial<T>> {
    return Object.fromEntries((await this.call("items", [])) as [string, unknown][]) as Partial<T>;
  }
}

preloadInChildren(import.meta.url);
registerHandle("@multiproc/ipc:NamespaceProxy", (state) => new NamespaceProxy(state as ProxyRef));
