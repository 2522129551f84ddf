/**
 * Handles: how the library's own objects (Lock, Queue, Connection, Value, Process-subclass
 * instances …) cross a thread or process boundary. Like Python's `__reduce__`, such an object
 * reduces itself to a `{ kind, state }` pair; the receiver looks the kind up in its registry and
 * revives an equivalent object from the state.
 *
 * @module
 */
import { RegistrationError } from "./errors.ts";

export { registerErrorClass } from "./error-classes.ts";

/**
 * Where an encoded value goes: `"thread"` (a worker thread: SharedArrayBuffers are passed by
 * reference) or `"process"` (another OS process: everything is copied into bytes).
 *
 * @example
 * ```ts
 * import { encode, type Target } from "@multiproc/core";
 * const target: Target = "thread";
 * encode({ n: 1 }, { target });
 * ```
 */
export type Target = "thread" | "process";

/**
 * The method key of reducible objects: `Symbol.for("multiproc.reduce")`, so that copies of the
 * library loaded twice still agree.
 *
 * @example
 * ```ts
 * import { reduceSymbol, registerHandle, type Target } from "@multiproc/core";
 * class Point {
 *   x: number;
 *   y: number;
 *   constructor(x: number, y: number) { this.x = x; this.y = y; }
 *   [reduceSymbol](_target: Target) {
 *     return { kind: "example:Point", state: [this.x, this.y] };
 *   }
 * }
 * registerHandle("example:Point", (s) => new Point(...(s as [number, number])));
 * ```
 */
export const reduceSymbol: unique symbol = Symbol.for("multiproc.reduce");

/**
 * An object that travels as a handle. `[reduceSymbol](target)` returns its kind (registered
 * with {@link registerHandle} on the receiving side) and a state, which is itself encoded like
 * any value: it may hold SharedArrayBuffers (thread target), other handles, Maps, and so on.
 * Name kinds `"module:Name"` (e.g. `"@multiproc/ipc:Queue"`): the receiver's error message for an
 * unregistered kind then names the module to import.
 *
 * @example
 * ```ts
 * import { reduceSymbol, type Reducible, type Target } from "@multiproc/core";
 * class Counter implements Reducible {
 *   readonly cells = new SharedArrayBuffer(8);
 *   [reduceSymbol](target: Target) {
 *     if (target === "process") throw new Error("Counter is thread-only");
 *     return { kind: "example:Counter", state: this.cells };
 *   }
 * }
 * ```
 */
export interface Reducible {
  /**
   * Reduces the object for `target`.
   *
   * @param target - where the value goes.
   * @returns the handle's kind and state.
   */
  [reduceSymbol](target: Target): ReducedHandle;
}

/**
 * What a {@link Reducible} reduces to.
 *
 * @example
 * ```ts
 * import type { ReducedHandle } from "@multiproc/core";
 * const reduced: ReducedHandle = { kind: "example:Point", state: [1, 2] };
 * ```
 */
export interface ReducedHandle {
  /** The kind, as registered with {@link registerHandle} on the receiving side. */
  kind: string;
  /** The state the receiver revives the object from; encoded like any value. */
  state: unknown;
}

const revivers = new Map<string, (state: unknown) => unknown>();

/**
 * Registers how to revive handles of one kind. Call it once, at the top level of the module
 * that defines the class, so that importing the module in a child is enough to receive it.
 *
 * @param kind - the kind the class's `[reduceSymbol]` returns; namespaced `"module:Name"` by convention.
 * @param revive - builds the receiver-side object from the decoded state.
 * @throws RegistrationError when the kind is already registered or the arguments are invalid.
 *
 * @example
 * ```ts
 * import { registerHandle } from "@multiproc/core";
 * registerHandle("example:Point", (state) => {
 *   const [x, y] = state as [number, number];
 *   return { x, y };
 * });
 * ```
 */
export function registerHandle(kind: string, revive: (state: unknown) => unknown): void {
  if (typeof kind !== "string" || kind.length === 0) {
    throw new RegistrationError(`registerHandle: the kind must be a non-empty string, got ${String(kind)}.`);
  }
  if (typeof revive !== "function") {
    throw new RegistrationError(`registerHandle(${JSON.stringify(kind)}): revive must be a function.`);
  }
  if (revivers.has(kind)) {
    throw new RegistrationError(
      `registerHandle: the kind ${JSON.stringify(kind)} is already registered. ` +
        "Register each kind once, at the top level of the module that defines it, and give different classes different kinds.",
    );
  }
  revivers.set(kind, revive);
}

/**
 * The reviver registered for a kind, or `undefined`.
 *
 * @example
 * ```ts
 * import { handleReviver } from "./handles.ts";
 * const revive = handleReviver("example:Point");
 * ```
 */
export function handleReviver(kind: string): ((state: unknown) => unknown) | undefined {
  return revivers.get(kind);
}
