/**
 * queue-throughput, multiproc side: a producer `Process` sends `messages` messages (numbers when
 * `size` is 0, else `size`-byte Uint8Arrays, copied) to a consumer `Process` through a multiproc
 * `Queue` or a one-way `Pipe`. Both are started and ready before the clock starts; it stops when
 * the consumer's tally arrives. Reports messages per second (size 0) or MiB per second.
 *
 * Variant: `queue-thread`, `queue-process`, `pipe-thread`, `pipe-process` (what carries the
 * stream, and the context both children run in). An optional second argument caps the number of
 * messages (for the slow process rows); the detail records the count used.
 *
 * @module
 */
import { isMain, Process } from "@multiproc/core";
import { Pipe, Queue } from "@multiproc/ipc";
import { WrongResultError } from "../errors.ts";
import { capOf, childInput, needParam, now, report, variantOf } from "./child.ts";
import { checkTally, type StreamShape, type Tally, throughput } from "./queue-messages.ts";
import { consumeStream, produceStream, type Via } from "./workers/multiproc-stream.ts";

if (isMain(import.meta)) {
  const input = childInput();
  const variant = variantOf(input, ["queue-thread", "queue-process", "pipe-thread", "pipe-process"] as const);
  const messages = Math.min(needParam(input.params, "messages"), capOf(input, 1, "messages"));
  const shape: StreamShape = { messages, size: needParam(input.params, "size") };
  const [carrier, context] = variant.split("-") as ["queue" | "pipe", "thread" | "process"];
  let via: Via;
  if (carrier === "queue") via = { kind: "queue", queue: new Queue() };
  else {
    const [reader, writer] = Pipe({ duplex: false });
    via = { kind: "pipe", writer, reader };
  }
  const ready = new Queue<string>();
  const go = new Queue<string>();
  const results = new Queue<Tally>();
  const producer = new Process({ target: produceStream, args: [via, shape, ready, go], context });
  const consumer = new Process({ target: consumeStream, args: [via, ready, results], context });
  producer.start();
  consumer.start();
  await ready.get();
  await ready.get();
  const t0 = now();
  await go.put("go");
  // A child that fails ends the run instead of leaving the parent waiting for the tally.
  const failed = (p: { join(): Promise<void>; readonly exitCode: number | null; readonly name: string }): Promise<never> =>
    p.join().then(() => (p.exitCode === 0 ? new Promise<never>(() => {}) : Promise.reject(new Error(`${p.name} exited with ${p.exitCode}`))));
  const tally = await Promise.race([results.get(), failed(producer), failed(consumer)]).catch(async (error: unknown) => {
    for (const p of [producer, consumer]) if (p.isAlive()) p.kill();
    throw error;
  });
  const seconds = (now() - t0) / 1000;
  await Promise.all([producer.join(), consumer.join()]);
  const wrong = checkTally(shape, tally);
  if (wrong !== undefined) throw new WrongResultError(...wrong);
  for (const p of [producer, consumer]) if (p.exitCode !== 0) throw new Error(`${p.name} exited with ${p.exitCode}`);
  await report(throughput(shape, seconds), { messages: shape.messages, size: shape.size, seconds });
}
