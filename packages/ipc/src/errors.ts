/**
 * The errors of `@multiproc/ipc`, named after Python's (`queue.Empty`, `queue.Full`, `EOFError`).
 *
 * @module
 */
import { registerErrorClass } from "@multiproc/core";

/**
 * Raised by a non-blocking or timed `get` when the queue has no item (Python's `queue.Empty`).
 *
 * @example
 * ```ts
 * import { Empty, Queue } from "@multiproc/ipc";
 * const q = new Queue<number>();
 * try {
 *   await q.get({ timeout: 100 });
 * } catch (err) {
 *   if (err instanceof Empty) console.log("nothing arrived within 100 ms");
 * }
 * ```
 */
export class Empty extends Error {
  /** @param message - what was empty. */
  constructor(message = "the queue is empty") {
    super(message);
    this.name = "Empty";
  }
}

/**
 * Raised by a non-blocking or timed `put` when a bounded queue is full (Python's `queue.Full`).
 *
 * @example
 * ```ts
 * import { Full, Queue } from "@multiproc/ipc";
 * const q = new Queue<number>({ maxsize: 1 });
 * await q.put(1);
 * try {
 *   await q.putNowait(2);
 * } catch (err) {
 *   if (err instanceof Full) console.log("no room");
 * }
 * ```
 */
export class Full extends Error {
  /** @param message - what was full. */
  constructor(message = "the queue is full") {
    super(message);
    this.name = "Full";
  }
}

/**
 * The queue was closed: `put` after `close()`, or `get` on a closed queue that has been drained.
 *
 * @example
 * ```ts
 * import { Queue, QueueClosedError } from "@multiproc/ipc";
 * const q = new Queue<number>();
 * await q.close();
 * await q.put(1).catch((err) => err instanceof QueueClosedError); // true
 * ```
 */
export class QueueClosedError extends Error {
  /** @param message - what was refused. */
  constructor(message = "the queue is closed") {
    super(message);
    this.name = "QueueClosedError";
  }
}

/**
 * The other end of a pipe was closed and every message it sent has been received (Python's
 * `EOFError` from `Connection.recv()`).
 *
 * @example
 * ```ts
 * import { EOFError, Pipe } from "@multiproc/ipc";
 * const [a, b] = Pipe();
 * await a.send("last");
 * await a.close();
 * await b.recv(); // "last"
 * await b.recv().catch((err) => err instanceof EOFError); // true
 * ```
 */
export class EOFError extends Error {
  /** @param message - what ended. */
  constructor(message = "the other end of the pipe is closed and no message is left") {
    super(message);
    this.name = "EOFError";
  }
}

/**
 * `recvBytesInto` got a message longer than the buffer (Python's `BufferTooShort`). The message is
 * not lost: it is in {@link BufferTooShort.messageBytes}.
 *
 * @example
 * ```ts
 * import { BufferTooShort } from "@multiproc/ipc";
 * try {
 *   await conn.recvBytesInto(new Uint8Array(4));
 * } catch (err) {
 *   if (err instanceof BufferTooShort) console.log(err.messageBytes.length);
 * }
 * ```
 */
export class BufferTooShort extends Error {
  /** The whole message that did not fit. */
  readonly messageBytes: Uint8Array;
  /** @param messageBytes - the message that did not fit. */
  constructor(messageBytes: Uint8Array) {
    super(`the message (${messageBytes.length} bytes) is longer than the buffer`);
    this.name = "BufferTooShort";
    this.messageBytes = messageBytes;
  }
}

for (const cls of [Empty, Full, QueueClosedError, EOFError, BufferTooShort]) registerErrorClass(cls);
