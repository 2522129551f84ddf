/**
 * Contexts: how children run. `"process"` starts OS processes (the default: distinct pids,
 * crash isolation, signals); `"thread"` starts worker threads (the fast path, with real shared
 * memory). Python calls these start methods.
 *
 * @module
 */
import { ContextError } from "./errors.ts";
import { markContextProcess, Process, type ProcessOptions } from "./process/process.ts";
import { self, type ContextName } from "./process/state.ts";

export type { ContextName } from "./process/state.ts";

const names: readonly ContextName[] = ["process", "thread"];

function checkName(name: unknown, what: string): ContextName {
  if (name !== "process" && name !== "thread") {
    throw new ContextError(`${what}: unknown context ${JSON.stringify(name)}; use one of ${names.map((n) => `"${n}"`).join(", ")}`);
  }
  return name;
}

/**
 * A context: an object whose `Process` class starts children the context's way (Python's
 * `multiprocessing.get_context()`).
 *
 * @example
 * ```ts
 * import { getContext } from "@multiproc/core";
 * const ctx = getContext("thread");
 * const p = new ctx.Process({ target: work, args: [1] });
 * p.start();
 * await p.join();
 * ```
 */
export class Context {
  /** The context's name. */
  readonly name: ContextName;
  /** `Process`, with this context as its default. */
  readonly Process: typeof Process;

  /** @param name - `"process"` or `"thread"`. */
  constructor(name: ContextName) {
    this.name = checkName(name, "new Context()");
    const context = this.name;
    const bound = class extends Process {
      static readonly defaultContext = context;
      constructor(options?: ProcessOptions) {
        super(options);
      }
    };
    Object.defineProperty(bound, "name", { value: "Process" });
    markContextProcess(bound);
    this.Process = bound as typeof Process;
  }
}

const contexts = new Map<ContextName, Context>();

/**
 * The context of that name; with no name, the default context.
 *
 * @param name - `"process"` or `"thread"`.
 * @returns the context (the same object every time for a name).
 * @throws ContextError for an unknown name.
 *
 * @example
 * ```ts
 * import { getContext } from "@multiproc/core";
 * const ctx = getContext("process");
 * console.log(ctx.name); // "process"
 * ```
 */
export function getContext(name?: ContextName): Context {
  const n = name === undefined ? getStartMethod() : checkName(name, "getContext()");
  let ctx = contexts.get(n);
  if (ctx === undefined) {
    ctx = new Context(n);
    contexts.set(n, ctx);
  }
  return ctx;
}

/**
 * The names of the contexts this runtime supports, the default first (Python's
 * `get_all_start_methods()`).
 *
 * @returns `["process", "thread"]` on every supported runtime.
 *
 * @example
 * ```ts
 * import { getAllStartMethods } from "@multiproc/core";
 * getAllStartMethods(); // ["process", "thread"]
 * ```
 */
export function getAllStartMethods(): ContextName[] {
  return [...names];
}

/**
 * Sets the default context, once: setting it again throws unless `force` is given (Python's
 * `set_start_method()`). Children inherit it.
 *
 * @param name - `"process"` or `"thread"`.
 * @param options - `force: true` to change a default that was already set.
 * @throws ContextError if the default was already set and `force` is not true, or for an unknown name.
 *
 * @example
 * ```ts
 * import { isMain, setStartMethod } from "@multiproc/core";
 * if (isMain(import.meta)) setStartMethod("thread");
 * ```
 */
export function setStartMethod(name: ContextName | null, options: { force?: boolean } = {}): void {
  if (self.defaultContext !== undefined && options.force !== true) {
    throw new ContextError(
      `the default context has already been set (to "${self.defaultContext}"); pass { force: true } to change it`,
    );
  }
  self.defaultContext = name === null ? undefined : checkName(name, "setStartMethod()");
}

/**
 * The default context's name: the one set with {@link setStartMethod}, else `"process"`.
 *
 * @returns the default context's name.
 *
 * @example
 * ```ts
 * import { getStartMethod } from "@multiproc/core";
 * getStartMethod(); // "process" unless setStartMethod() chose otherwise
 * ```
 */
export function getStartMethod(): ContextName {
  return self.defaultContext ?? "process";
}
