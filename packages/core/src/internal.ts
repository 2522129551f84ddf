/**
 * The building blocks other multiproc packages (`@multiproc/ipc`, `@multiproc/pool`) use to make
 * primitives that work in both contexts. Not a public API: it may change in any release.
 *
 * @internal
 * @module
 */
export { DONE, fromState, registerPrimitive, SharedPrimitive } from "./sync/primitive.ts";
export type { PrimitiveState } from "./sync/primitive.ts";
export { deadline, now, remaining, waitChange, waitChangeSync, wake } from "./sync/futex.ts";
export { holderOf, localHolder } from "./sync/holder.ts";
export { acquire as acquireCells, acquireSync as acquireCellsSync, release as releaseCells, LOCK_CELLS } from "./sync/lock-cells.ts";
export { watchThreadExits } from "./sync/gone.ts";
export type { HolderWatcher } from "./sync/gone.ts";
export { allPostsWritten, callRemote, drainCalls, isSelfPeer, localObject, peerFinished, postRemote, selfPeer, serve } from "./remote/objects.ts";
export type { CallOptions, Peer, RemoteAddress, ServedObject } from "./remote/objects.ts";
export { adapter } from "./runtime/index.ts";
export { allocate, allocateScratch, copyMessageParts, isScratch, keepScratch, repackMessage } from "./codec/bytes.ts";
export type { MessageParts } from "./codec/bytes.ts";
export { decodeFromParts, encodeToPooledBytes, encodeToScratchBytes } from "./codec/codec.ts";
export { packNumbers } from "./codec/encode.ts";
export type { RuntimeAdapter } from "./runtime/index.ts";
export { resolveTask, resolveTaskFunction, taskRef } from "./task.ts";
export { self as currentProcessState } from "./process/state.ts";
import { self } from "./process/state.ts";

/**
 * Makes every child import the module at `url` before it decodes its arguments: for modules that
 * register handle kinds (`registerHandle`), so that a child can receive those handles even when
 * its task's module mentions their classes only as types.
 */
export function preloadInChildren(url: string): void {
  self.preload.add(url);
}
