/**
 * `@multiproc/ipc`: `Queue`, `SimpleQueue`, `JoinableQueue` and `Pipe`/`Connection`, and `Manager` — ways for
 * processes to pass data to each other, in both contexts and on Node.js, Deno and Bun.
 *
 * @example
 * ```ts
 * import { Queue } from "@multiproc/ipc";
 * const q = new Queue<string>();
 * await q.put("hello");
 * console.log(await q.get()); // "hello"
 * ```
 *
 * @module
 */
export { BufferTooShort, EOFError, Empty, Full, QueueClosedError } from "./errors.ts";
export { JoinableQueue, Queue, SimpleQueue } from "./queue.ts";
export type { QueueOptions, QueueWaitOptions } from "./queue.ts";
export { Connection, Pipe } from "./pipe.ts";
export { Manager } from "./manager.ts";
export type { ManagerOptions } from "./manager.ts";
export { DictProxy } from "./manager-dict.ts";
export type { DictInit, DictKey } from "./manager-dict.ts";
export { ListProxy } from "./manager-list.ts";
export { NamespaceProxy } from "./manager-namespace.ts";
export { AttributeError, IndexError, KeyError, ManagerShutdownError, ManagerStartError, ValueError } from "./manager-errors.ts";
