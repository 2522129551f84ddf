/**
 * `@multiproc/pool`: `Pool` and `AsyncResult` — Python's `multiprocessing.Pool` for Node.js, Deno
 * and Bun, in both contexts, with crash safety CPython lacks.
 *
 * @example
 * ```ts
 * import { isMain, task } from "@multiproc/core";
 * import { Pool } from "@multiproc/pool";
 *
 * export const square = task(import.meta, function square(x: number) {
 *   return x * x;
 * });
 *
 * if (isMain(import.meta)) {
 *   await using pool = new Pool();
 *   console.log(await pool.map(square, [1, 2, 3])); // [1, 4, 9]
 * }
 * ```
 *
 * @module
 */
export { AsyncResult } from "./async-result.ts";
export { PoolStateError, RemoteTraceback, TimeoutError, WorkerLostError } from "./errors.ts";
export { Pool } from "./pool.ts";
export type { AsyncOptions, CallOptions, MapOptions, PoolOptions } from "./pool.ts";
