/**
 * `@multiproc/core`: Python's `multiprocessing` model for Node.js, Deno and Bun — runtime
 * detection, processes and contexts, synchronisation primitives and shared memory.
 *
 * @example
 * ```ts
 * import { cpuCount, runtime } from "@multiproc/core";
 * console.log(`${runtime.name} ${runtime.version}, ${cpuCount()} CPUs`);
 * ```
 *
 * @module
 */
export { detectRuntime, runtime } from "./runtime/detect.ts";
export type { RuntimeInfo, RuntimeName } from "./runtime/detect.ts";
export { cpuCount } from "./cpu.ts";
