/**
 * The queue-throughput workloads' multiproc children: a producer that sends the stream (see
 * `../queue-messages.ts`) through a multiproc `Queue` or one end of a `Pipe`, and a consumer that
 * counts it and puts its tally on a result queue. The producer waits for the go signal; the
 * consumer is already waiting for the first message when the clock starts.
 *
 * @module
 */
import { task } from "@multiproc/core";
import type { Connection, Queue } from "@multiproc/ipc";
import { consume, produceAwaited, type StreamShape, type Tally } from "../queue-messages.ts";

/** One message of the stream: an index, a payload, or `null` (the end). */
type Message = number | Uint8Array | null;

/**
 * Where a stream goes through: a multiproc `Queue`, or the ends of a `Pipe`.
 *
 * @example
 * ```ts
 * const [reader, writer] = Pipe({ duplex: false });
 * const via: Via = { kind: "pipe", writer, reader };
 * ```
 */
export type Via = { readonly kind: "queue"; readonly queue: Queue<Message> } | { readonly kind: "pipe"; readonly writer: Connection; readonly reader: Connection };

/**
 * Sends `shape.messages` messages and the end marker once a token arrives on `go`, each awaited
 * before the next is sent.
 *
 * @example
 * ```ts
 * new Process({ target: produceStream, args: [via, shape, ready, go], context: "thread" }).start();
 * ```
 */
export const produceStream = task(
  import.meta,
  async function produceStream(via: Via, shape: StreamShape, ready: Queue<string>, go: Queue<string>): Promise<void> {
    const send = via.kind === "queue" ? (m: Message) => via.queue.put(m) : (m: Message) => via.writer.send(m);
    await ready.put("producer");
    await go.get();
    await produceAwaited(shape, send);
  },
);

/**
 * Receives messages until the end marker, counting them and their bytes, then puts the tally on
 * `results`.
 *
 * @example
 * ```ts
 * new Process({ target: consumeStream, args: [via, ready, results], context: "thread" }).start();
 * ```
 */
export const consumeStream = task(
  import.meta,
  async function consumeStream(via: Via, ready: Queue<string>, results: Queue<Tally>): Promise<void> {
    const receive = via.kind === "queue" ? () => via.queue.get() : () => via.reader.recv() as Promise<Message>;
    const tally: Tally = { received: 0, bytes: 0 };
    await ready.put("consumer");
    for (let m = await receive(); m !== null; m = await receive()) consume(tally, m);
    await results.put(tally);
  },
);
