/**
 * What the queue-throughput producers send and how the consumers check it, shared by every
 * JavaScript variant: message `i` is the number `i` when `size` is 0, otherwise a copy of one
 * `size`-byte buffer; `null` ends the stream.
 *
 * @module
 */

/**
 * The parameters of a queue-throughput run.
 *
 * @example
 * ```ts
 * const small: StreamShape = { messages: 100_000, size: 0 };
 * const large: StreamShape = { messages: 200, size: 1 << 20 };
 * ```
 */
export interface StreamShape {
  /** How many messages the producer sends. */
  readonly messages: number;
  /** Bytes per message, or 0 for small messages (the message's index, a number). */
  readonly size: number;
}

/**
 * What a consumer counted.
 *
 * @example
 * ```ts
 * const tally: Tally = { received: 200, bytes: 200 * 2 ** 20 };
 * ```
 */
export interface Tally {
  received: number;
  bytes: number;
}

/**
 * Sends the whole stream, then the end marker, through `send`.
 *
 * @param shape - how many messages and how big.
 * @param send - posts one message.
 *
 * @example
 * ```ts
 * produce({ messages: 3, size: 0 }, (m) => port.postMessage(m));
 * ```
 */
export function produce(shape: StreamShape, send: (message: number | Uint8Array | null) => void): void {
  const payload = payloadOf(shape);
  for (let i = 0; i < shape.messages; i++) send(payload ?? i);
  send(null);
}

/**
 * Sends the whole stream, then the end marker, through an asynchronous `send`, awaiting each
 * message before the next (as a multiproc `Queue.put` or `Connection.send` is used).
 *
 * @param shape - how many messages and how big.
 * @param send - sends one message; resolves when it is sent.
 *
 * @example
 * ```ts
 * await produceAwaited({ messages: 3, size: 0 }, (m) => queue.put(m));
 * ```
 */
export async function produceAwaited(shape: StreamShape, send: (message: number | Uint8Array | null) => Promise<void>): Promise<void> {
  const payload = payloadOf(shape);
  for (let i = 0; i < shape.messages; i++) await send(payload ?? i);
  await send(null);
}

/** The one buffer every sized message is a copy of, or `undefined` for small messages. */
function payloadOf(shape: StreamShape): Uint8Array | undefined {
  return shape.size > 0 ? new Uint8Array(shape.size).fill(7) : undefined;
}

/**
 * Counts one received message into `tally`.
 *
 * @param tally - the running count.
 * @param message - a message from the stream (not the end marker).
 *
 * @example
 * ```ts
 * const tally = { received: 0, bytes: 0 };
 * consume(tally, 42);
 * ```
 */
export function consume(tally: Tally, message: unknown): void {
  tally.received++;
  if (message instanceof Uint8Array) tally.bytes += message.byteLength;
}

/**
 * The throughput in the workload's unit: messages per second for small messages, MiB per second
 * for sized ones.
 *
 * @param shape - the stream.
 * @param seconds - how long it took.
 * @returns msgs/s or MiB/s.
 *
 * @example
 * ```ts
 * throughput({ messages: 200, size: 2 ** 20 }, 0.5); // 400 (MiB/s)
 * ```
 */
export function throughput(shape: StreamShape, seconds: number): number {
  return shape.size === 0 ? shape.messages / seconds : (shape.messages * shape.size) / 2 ** 20 / seconds;
}

/**
 * Whether the consumer got everything the producer sent.
 *
 * @param shape - the stream.
 * @param tally - what was counted.
 * @returns the first mismatch as `[what, expected, actual]`, or `undefined`.
 *
 * @example
 * ```ts
 * const wrong = checkTally(shape, tally);
 * if (wrong) throw new WrongResultError(...wrong);
 * ```
 */
export function checkTally(shape: StreamShape, tally: Tally): [string, number, number] | undefined {
  if (tally.received !== shape.messages) return ["messages received", shape.messages, tally.received];
  const bytes = shape.messages * shape.size;
  if (tally.bytes !== bytes) return ["bytes received", bytes, tally.bytes];
  return undefined;
}
