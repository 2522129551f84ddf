/**
 * `@multiproc/core`: Python's `multiprocessing` model for Node.js, Deno and Bun — runtime
 * detection, tasks, processes and contexts, and (coming) synchronisation primitives and shared
 * memory.
 *
 * @example
 * ```ts
 * import { Process, cpuCount, isMain, runtime, task } from "@multiproc/core";
 *
 * export const work = task(import.meta, function work(n: number) {
 *   console.log(`child got ${n} on ${runtime.name}`);
 * });
 *
 * if (isMain(import.meta)) {
 *   const children = Array.from({ length: cpuCount() }, (_, i) => new Process({ target: work, args: [i] }));
 *   for (const p of children) p.start();
 *   for (const p of children) await p.join();
 * }
 * ```
 *
 * @module
 */
export { detectRuntime, runtime } from "./runtime/detect.ts";
export type { RuntimeInfo, RuntimeName } from "./runtime/detect.ts";
export { cpuCount } from "./cpu.ts";
export { ContextError, ProcessStateError, TaskError } from "./errors.ts";
export { isMain, isTask, task } from "./task.ts";
export type { ModuleMeta, Task, TaskRef } from "./task.ts";
export { Process } from "./process/process.ts";
export type { ContextLike, NamedContext, ProcessOptions } from "./process/process.ts";
export { activeChildren, currentProcess, parentProcess } from "./process/current.ts";
export type { ParentProcess } from "./process/current.ts";
export {
  decode,
  decodeFromBytes,
  DeserializationError,
  encode,
  encodeToBytes,
  FrameError,
  FrameReader,
  frame,
  reduceSymbol,
  RegistrationError,
  registerErrorClass,
  registerHandle,
  SerializationError,
  UnknownHandleError,
} from "./codec/index.ts";
export type { EncodeOptions, Encoded, FrameReaderOptions, ReducedHandle, Reducible, Target } from "./codec/index.ts";
export { Lock, RLock } from "./sync/lock.ts";
export type { AcquireOptions, HeldLock } from "./sync/lock.ts";
export { BoundedSemaphore, Semaphore } from "./sync/semaphore.ts";
export { Event } from "./sync/event.ts";
export type { EventWaitOptions } from "./sync/event.ts";
export { Condition } from "./sync/condition.ts";
export type { ConditionWaitOptions } from "./sync/condition.ts";
export { Barrier } from "./sync/barrier.ts";
export type { BarrierOptions, BarrierWaitOptions } from "./sync/barrier.ts";
export { RawValue, Value } from "./shared/value.ts";
export { RawArray, SharedArray, SharedArray as Array } from "./shared/array.ts";
export type { TextOf } from "./shared/array.ts";
export type { SynchronizedOptions } from "./shared/locking.ts";
export type { ElementOf, InputOf, SliceOf, Typecode, TypecodeValues, TypecodeViews, ViewOf } from "./shared/typecodes.ts";
export { AbandonedLockError, BrokenBarrierError, LockTimeoutError, SyncStateError } from "./sync/errors.ts";
export { OwnerGoneError } from "./remote/objects.ts";
export { Context, getAllStartMethods, getContext, getStartMethod, setStartMethod } from "./context.ts";
export type { ContextName } from "./context.ts";
