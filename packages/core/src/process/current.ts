/**
 * Which `Process` object stands for the current process, and the module functions that ask
 * about this process's place in the tree: `currentProcess()`, `parentProcess()`,
 * `activeChildren()`.
 *
 * @module
 */
import { adapter } from "../runtime/index.ts";
import { Process, rehydrate } from "./process.ts";
import { self } from "./state.ts";

let current: Process<unknown[]> | undefined;

/**
 * Makes `proc` the current process (done by the child bootstrap).
 *
 * @internal
 */
export function setCurrentProcess(proc: Process<unknown[]>): void {
  current = proc;
}

/**
 * The `Process` object for the process (or worker thread) that calls it: `MainProcess` in the
 * program you started, and in a child the very object that was started — a subclass instance
 * for a subclass — with its name, daemon flag and pid.
 *
 * @returns the current process.
 *
 * @example
 * ```ts
 * import { currentProcess, task } from "@multiproc/core";
 * export const whoami = task(import.meta, function whoami() {
 *   const me = currentProcess();
 *   console.log(`${me.name}: pid ${me.pid}, thread ${me.threadId}`);
 * });
 * ```
 */
export function currentProcess(): Process<unknown[]> {
  current ??= new Process<unknown[]>(rehydrate as never);
  return current;
}

/**
 * What a child knows of its parent.
 *
 * @example
 * ```ts
 * import { parentProcess } from "@multiproc/core";
 * const parent = parentProcess();
 * if (parent !== null) console.log(`started by ${parent.name} (pid ${parent.pid})`);
 * ```
 */
export interface ParentProcess {
  /** The parent's name (`MainProcess`, `Process-1`, …). */
  readonly name: string;
  /** The parent's OS pid: for a worker thread, the pid it shares with its parent. */
  readonly pid: number;
  /** The parent's thread id: 0 when the parent runs on an OS process's main thread. */
  readonly threadId: number;
  /** Whether the parent is still running. */
  isAlive(): boolean;
}

/**
 * The parent of the current process, or `null` in the program you started (Python's
 * `parent_process()`).
 *
 * @returns the parent, or null.
 *
 * @example
 * ```ts
 * import { parentProcess, task } from "@multiproc/core";
 * export const child = task(import.meta, function child() {
 *   console.log(`my parent is ${parentProcess()?.name}`); // "MainProcess"
 * });
 * ```
 */
export function parentProcess(): ParentProcess | null {
  const parent = self.parent;
  if (parent === null) return null;
  return {
    name: parent.name,
    pid: parent.pid,
    threadId: parent.threadId,
    // A child OS process exits when its parent's channel closes, and a worker thread ends with
    // the thread that started it: while this code runs, the parent is alive unless its pid is gone.
    isAlive: () => adapter.signalPid(parent.pid, 0),
  };
}

/**
 * The children of the current process that were started and have not been seen to end (Python's
 * `active_children()`).
 *
 * @returns the live children, in the order they were started.
 *
 * @example
 * ```ts
 * import { activeChildren } from "@multiproc/core";
 * for (const child of activeChildren()) child.terminate();
 * ```
 */
export function activeChildren(): Process<unknown[]>[] {
  return [...self.children].map((c) => c.process as Process<unknown[]>).filter((p) => p.exitCode === null);
}
