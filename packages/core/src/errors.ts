/**
 * The errors `@multiproc/core` throws for misuse of processes, tasks and contexts.
 *
 * @module
 */

/**
 * A process was used in a way its state does not allow: started twice, joined before it was
 * started, `daemon` set after start, used after `close()`, or a daemonic process starting a child.
 * Python raises `AssertionError` or `ValueError` in these cases.
 *
 * @example
 * ```ts
 * import { Process, ProcessStateError } from "@multiproc/core";
 * const p = new Process({ target: work });
 * try {
 *   await p.join();
 * } catch (err) {
 *   if (err instanceof ProcessStateError) console.log(err.message); // "can only join a started process"
 * }
 * ```
 */
export class ProcessStateError extends Error {
  /** @param message - what was wrong and what to do instead. */
  constructor(message: string) {
    super(message);
    this.name = "ProcessStateError";
  }
}

/**
 * A child cannot run what it was given: the target is not a task, the task cannot be found when
 * the child imports its module, or a `Process` subclass is not registered.
 *
 * @example
 * ```ts
 * import { Process, TaskError } from "@multiproc/core";
 * try {
 *   new Process({ target: (() => 1) as never }).start();
 * } catch (err) {
 *   if (err instanceof TaskError) console.log(err.message); // says to wrap the function with task(...)
 * }
 * ```
 */
export class TaskError extends TypeError {
  /** @param message - what was wrong and what to do instead. */
  constructor(message: string) {
    super(message);
    this.name = "TaskError";
  }
}

/**
 * The default context was set twice, or a context name is unknown. Python raises `RuntimeError`
 * and `ValueError` for these.
 *
 * @example
 * ```ts
 * import { ContextError, setStartMethod } from "@multiproc/core";
 * setStartMethod("thread");
 * try {
 *   setStartMethod("process");
 * } catch (err) {
 *   if (err instanceof ContextError) setStartMethod("process", { force: true });
 * }
 * ```
 */
export class ContextError extends Error {
  /** @param message - what was wrong and what to do instead. */
  constructor(message: string) {
    super(message);
    this.name = "ContextError";
  }
}
