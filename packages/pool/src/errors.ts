/**
 * The errors of `@multiproc/pool`.
 *
 * @module
 */
import { registerErrorClass } from "@multiproc/core";

/**
 * A pool worker died while running a task (killed, crashed, `process.exit()`, out of memory).
 * CPython's pool hangs forever in this case; this one rejects the tasks the worker was running,
 * replaces the worker and goes on.
 *
 * @example
 * ```ts
 * import { WorkerLostError } from "@multiproc/pool";
 * try {
 *   await pool.apply(mayCrash, [1]);
 * } catch (err) {
 *   if (err instanceof WorkerLostError) console.log(`worker exited with ${err.exitCode}`);
 * }
 * ```
 */
export class WorkerLostError extends Error {
  /** The worker's exit code (`-9` when killed by SIGKILL). */
  readonly exitCode: number;
  /** The signal's name when a signal killed it, else null. */
  readonly signal: string | null;
  /**
   * @param exitCode - the worker's exit code.
   * @param signal - the signal's name, or null.
   */
  constructor(exitCode: number, signal: string | null) {
    super(`the pool worker running this task died (exit code ${exitCode}${signal ? `, signal ${signal}` : ""}); it has been replaced`);
    this.name = "WorkerLostError";
    this.exitCode = exitCode;
    this.signal = signal;
  }
}

/**
 * A result was not ready within the timeout given to `AsyncResult.get`, or a task ran longer than
 * its `timeout` option (its worker is then killed and replaced). Python's
 * `multiprocessing.TimeoutError`.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@multiproc/pool";
 * const r = pool.applyAsync(slow, [1]);
 * try {
 *   await r.get({ timeout: 100 });
 * } catch (err) {
 *   if (err instanceof TimeoutError) console.log("not yet");
 * }
 * ```
 */
export class TimeoutError extends Error {
  /** @param message - what timed out. */
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

/**
 * The pool cannot take the call: it was closed or terminated, or the call was cancelled with its
 * `AbortSignal`, or the pool was terminated while the task waited.
 *
 * @example
 * ```ts
 * import { PoolStateError } from "@multiproc/pool";
 * pool.close();
 * await pool.apply(work, [1]).catch((err) => err instanceof PoolStateError); // true
 * ```
 */
export class PoolStateError extends Error {
  /** @param message - what was refused. */
  constructor(message: string) {
    super(message);
    this.name = "PoolStateError";
  }
}

/**
 * The stack of an error as it was in the worker, set as the `cause` of a task's error when it is
 * rethrown in the parent (Python's `RemoteTraceback`).
 *
 * @example
 * ```ts
 * try {
 *   await pool.apply(fails, []);
 * } catch (err) {
 *   console.log((err as Error).cause); // RemoteTraceback with the worker's stack
 * }
 * ```
 */
export class RemoteTraceback extends Error {
  /** @param stack - the remote stack. */
  constructor(stack: string) {
    super(`the error was raised in a pool worker:\n${stack}`);
    this.name = "RemoteTraceback";
  }
}

for (const cls of [WorkerLostError, TimeoutError, PoolStateError, RemoteTraceback]) registerErrorClass(cls);
