/**
 * Tasks: functions a child can run. A child cannot receive a function (JavaScript functions do
 * not cross process or thread boundaries), so it receives a reference instead — the URL of the
 * module that defines the function and the function's name — imports that module, and finds the
 * function there. This is what Python's `spawn` start method does with a pickled function.
 *
 * @module
 */
import { adapter } from "./runtime/index.ts";
import { reduceSymbol, registerHandle } from "./codec/index.ts";
import { TaskError } from "./errors.ts";

/** Where a task lives: its module's URL and its name. */
export interface TaskRef {
  /** The URL of the module that registers the task (`import.meta.url`). */
  readonly moduleUrl: string;
  /** The task's name, unique within its module. */
  readonly name: string;
}

const taskMarker = Symbol.for("multiproc.task");

/**
 * A function that a child process or thread can run: callable like the function it wraps, and
 * carrying the reference ({@link TaskRef}) a child uses to find it.
 *
 * @typeParam A - the function's parameter types.
 * @typeParam R - the function's return type.
 *
 * @example
 * ```ts
 * import { task, type Task } from "@multiproc/core";
 * export const square: Task<[number], number> = task(import.meta, function square(x: number) {
 *   return x * x;
 * });
 * square(4); // 16, called in this process
 * ```
 */
export interface Task<A extends unknown[] = unknown[], R = unknown> extends TaskRef {
  /** Calls the wrapped function in this process. */
  (...args: A): R;
  /** Marks task handles. */
  readonly [taskMarker]: true;
}

/** The metadata of the module that defines a task: pass `import.meta`. */
export interface ModuleMeta {
  /** The module's URL. */
  readonly url: string;
  /** True when the module is the program's entry point (Node ≥ 24.2, Deno, Bun). */
  readonly main?: boolean;
}

interface Registered {
  readonly task: Task<never[], unknown>;
  /** The function the task wraps. */
  readonly fn: (...args: never[]) => unknown;
  readonly source: string;
}

const registry = new Map<string, Map<string, Registered>>();

function checkMeta(meta: ModuleMeta, what: string): void {
  if (meta === null || typeof meta !== "object" || typeof meta.url !== "string") {
    throw new TaskError(`${what}: the first argument must be \`import.meta\` of the module that defines it`);
  }
}

/**
 * Registers `fn` as a task of the module `meta` belongs to, so that a child can run it.
 *
 * Call it **once, at the top level of the module**, and export the result: when a child starts,
 * it imports the module (running its top-level code again, as Python's `spawn` does) and looks the
 * task up by name. A task created inside a function or a loop would not exist in the child.
 *
 * @param meta - `import.meta` of the module that defines the task.
 * @param fn - a named function (`function square(x) {…}`); its `name` is the task's name.
 * @returns the task: callable like `fn`, and accepted as a `target` by `Process` and `Pool`.
 * @throws TaskError if `fn` is not a function or has no name, or if the module already has a
 *   different task of that name.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 *
 * export const greet = task(import.meta, function greet(name: string) {
 *   console.log(`hello, ${name}`);
 * });
 *
 * if (isMain(import.meta)) {
 *   const p = new Process({ target: greet, args: ["world"] });
 *   p.start();
 *   await p.join();
 * }
 * ```
 */
export function task<A extends unknown[], R>(meta: ModuleMeta, fn: (...args: A) => R): Task<A, R>;
/**
 * Registers `fn` under an explicit `name` (for arrow functions, which have none).
 *
 * @param meta - `import.meta` of the module that defines the task.
 * @param name - the task's name, unique within its module.
 * @param fn - the function.
 * @returns the task.
 * @throws TaskError as the other overload does.
 *
 * @example
 * ```ts
 * import { task } from "@multiproc/core";
 * export const double = task(import.meta, "double", (x: number) => 2 * x);
 * ```
 */
export function task<A extends unknown[], R>(meta: ModuleMeta, name: string, fn: (...args: A) => R): Task<A, R>;
export function task<A extends unknown[], R>(
  meta: ModuleMeta,
  nameOrFn: string | ((...args: A) => R),
  maybeFn?: (...args: A) => R,
): Task<A, R> {
  checkMeta(meta, "task()");
  const fn = typeof nameOrFn === "function" ? nameOrFn : maybeFn;
  const name = typeof nameOrFn === "string" ? nameOrFn : fn?.name;
  if (typeof fn !== "function") {
    throw new TaskError("task(): the last argument must be the function the task runs");
  }
  if (typeof name !== "string" || name === "") {
    throw new TaskError(
      "task(): the function has no name. Use a named function, `task(import.meta, function work() {…})`, " +
        "or give the name: `task(import.meta, \"work\", (…) => …)`",
    );
  }
  let tasks = registry.get(meta.url);
  if (tasks === undefined) {
    tasks = new Map();
    registry.set(meta.url, tasks);
  }
  const source = String(fn);
  const existing = tasks.get(name);
  if (existing !== undefined) {
    // The same module evaluated again (a test runner re-importing it) registers the same code:
    // keep the first handle. A different function under the same name is a mistake.
    if (existing.source === source) return existing.task as unknown as Task<A, R>;
    throw new TaskError(
      `task(): ${meta.url} already has a task named "${name}". Give each task its own name, and create ` +
        "tasks once, at the top level of the module (not inside a function or a loop).",
    );
  }
  const handle = Object.defineProperties((...args: A): R => fn(...args), {
    name: { value: name },
    moduleUrl: { value: meta.url, enumerable: true },
    [taskMarker]: { value: true },
    // A task sent to a child as a value travels as its reference (see the handle below).
    [reduceSymbol]: { value: () => ({ kind: taskKind, state: { moduleUrl: meta.url, name } }) },
  }) as unknown as Task<A, R>;
  Object.defineProperty(handle, "name", { value: name, enumerable: true });
  tasks.set(name, { task: handle as unknown as Task<never[], unknown>, fn: fn as (...args: never[]) => unknown, source });
  return handle;
}

/**
 * Tells whether `value` is a task made by {@link task}.
 *
 * @param value - anything.
 * @returns true for a task handle.
 *
 * @example
 * ```ts
 * import { isTask, task } from "@multiproc/core";
 * const t = task(import.meta, function t() {});
 * isTask(t); // true
 * isTask(() => 1); // false
 * ```
 */
export function isTask(value: unknown): value is Task<never[], unknown> {
  return typeof value === "function" && (value as Partial<Task>)[taskMarker] === true;
}

/**
 * Checks that `target` can be sent to a child, and returns its reference.
 *
 * @internal
 */
export function taskRef(target: unknown, what: string): TaskRef {
  if (isTask(target)) return { moduleUrl: target.moduleUrl, name: target.name };
  const kind = typeof target === "function" ? `the function ${target.name || "(anonymous)"}` : `a ${target === null ? "null" : typeof target}`;
  throw new TaskError(
    `${what} must be a task, not ${kind}. A child cannot receive a function: wrap it with ` +
      "`export const work = task(import.meta, function work(…) {…})` at the top level of its module, " +
      "and pass `work`.",
  );
}

/**
 * Imports a task's module and finds the task, as a child does before running it.
 *
 * @internal
 */
export async function resolveTask(ref: TaskRef): Promise<Task<unknown[], unknown>> {
  return (await imported(ref)).task as unknown as Task<unknown[], unknown>;
}

/** Imports a task's module and returns what it registered under the task's name. */
async function imported(ref: TaskRef): Promise<Registered> {
  await import(ref.moduleUrl);
  const found = registry.get(ref.moduleUrl)?.get(ref.name);
  if (found === undefined) {
    throw new TaskError(
      `the task "${ref.name}" was not registered when ${ref.moduleUrl} was imported. Create it with ` +
        "task(import.meta, …) at the top level of that module, outside any function, loop or main-module guard.",
    );
  }
  return found;
}

/**
 * The function a task wraps, imported if need be: what a pool worker calls once per item, one
 * call shallower than the task handle, whose rest-and-spread forwarding is slow until the JIT
 * has compiled it (a first `map` of 100,000 squares spent ~4 ms of a worker's time in it,
 * profiled on Node 24).
 *
 * @example
 * ```ts
 * const fn = await resolveTaskFunction({ moduleUrl: square.moduleUrl, name: "square" });
 * fn(4); // 16, without going through the handle
 * ```
 *
 * @internal
 */
export async function resolveTaskFunction(ref: TaskRef): Promise<(...args: unknown[]) => unknown> {
  return (await imported(ref)).fn as (...args: unknown[]) => unknown;
}

const taskKind = "@multiproc/core:Task";

/**
 * A task received as a value: the registered task if its module is loaded here, else a stand-in
 * that imports the module on its first call (and so returns a promise).
 */
registerHandle(taskKind, (state) => {
  const ref = state as TaskRef;
  const known = registry.get(ref.moduleUrl)?.get(ref.name);
  if (known !== undefined) return known.task;
  const lazy = (...args: unknown[]) => resolveTask(ref).then((t) => t(...args));
  return Object.defineProperties(lazy, {
    name: { value: ref.name },
    moduleUrl: { value: ref.moduleUrl, enumerable: true },
    [taskMarker]: { value: true },
    [reduceSymbol]: { value: () => ({ kind: taskKind, state: ref }) },
  });
});

/**
 * The main-module guard: the analogue of Python's `if __name__ == "__main__":`.
 *
 * A child runs a task by importing the task's module, and importing a module runs all of its
 * top-level code again — in the child. Code that must run only once, in the program you started
 * (creating processes, reading input, printing results), goes inside
 * `if (isMain(import.meta)) { … }`. Without the guard, every child would start children of its
 * own when it imports the module.
 *
 * It is true when the module is the entry point of the program that was started (`node file.ts`,
 * `deno run file.ts`, `bun file.ts`), and false when it was imported — including by a multiproc
 * child, which is started from multiproc's own entry point.
 *
 * @param meta - `import.meta` of the calling module.
 * @returns whether the calling module is the program's entry point.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 *
 * export const work = task(import.meta, function work() {
 *   console.log("working in a child");
 * });
 *
 * console.log("this line runs in the parent and again in every child");
 *
 * if (isMain(import.meta)) {
 *   // Only in the program you started: children import this module but skip this block.
 *   const p = new Process({ target: work });
 *   p.start();
 *   await p.join();
 * }
 * ```
 */
export function isMain(meta: ModuleMeta): boolean {
  checkMeta(meta, "isMain()");
  if (typeof meta.main === "boolean") return meta.main;
  const entry = adapter.entryUrl();
  return entry !== undefined && entry === meta.url;
}
