/**
 * `@multiproc/ipc`: `Queue`, `SimpleQueue`, `JoinableQueue` and `Pipe`/`Connection` — ways for
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
