/**
 * The spawn-join workload's multiproc child for the built package (see `built-core.ts`): the
 * same no-op task as `multiproc-noop.ts`, made with the built `@multiproc/core`, so that a child
 * importing it loads the bundle and nothing else of the library.
 *
 * @module
 */
import { loadBuiltCore } from "./built-core.ts";

const { task } = await loadBuiltCore();

/**
 * Does nothing: the child starts, runs it and exits with code 0.
 *
 * @example
 * ```ts
 * const p = new Process({ target: noop, context: "thread" }); // Process of the built package
 * ```
 */
export const noop = task(import.meta, function noop(): void {});
