/**
 * The spawn-join workload's multiproc child: a task that does nothing. A module of its own, so
 * that a child importing it loads nothing but `@multiproc/core` (which every multiproc child
 * loads anyway).
 *
 * @module
 */
import { task } from "@multiproc/core";

/**
 * Does nothing: the child starts, runs it and exits with code 0.
 *
 * @example
 * ```ts
 * const p = new Process({ target: noop, context: "thread" });
 * p.start();
 * await p.join();
 * ```
 */
export const noop = task(import.meta, function noop(): void {});
