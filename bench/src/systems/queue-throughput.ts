/**
 * queue-throughput, JavaScript side: a producer child sends `messages` messages (numbers when
 * `size` is 0, else `size`-byte Uint8Arrays, copied) to a consumer child. Both are started and
 * ready before the clock starts; it stops when the consumer's tally arrives. Reports messages per
 * second (size 0) or MiB per second.
 *
 * Variants: `message-channel` (two worker threads joined by a MessageChannel), `fork-relay`
 * (two `child_process.fork` children with advanced serialization; their parent relays each
 * message, as a parent-side broker would), `fork-direct` (the producer forks the consumer and
 * sends straight to it).
 *
 * @module
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MessageChannel, Worker } from "node:worker_threads";
import { WrongResultError } from "../errors.ts";
import { childInput, needParam, now, report, variantOf } from "./child.ts";
import { checkTally, type StreamShape, type Tally, throughput } from "./queue-messages.ts";

const input = childInput();
const variant = variantOf(input, ["message-channel", "fork-relay", "fork-direct"] as const);
const shape: StreamShape = { messages: needParam(input.params, "messages"), size: needParam(input.params, "size") };

/** Something that sends messages and fails with an error or an exit: a Worker or a ChildProcess. */
type Peer = Worker | ChildProcess;

/** Resolves with the peer's next message; rejects if it fails or ends first. */
function nextMessage(peer: Peer): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      peer.off("message", onMessage);
      peer.off("error", onError);
      peer.off("exit", onExit);
    };
    const onMessage = (m: unknown) => {
      cleanup();
      resolve(m);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`a queue-throughput child exited with ${code} before it answered`));
    };
    peer.on("message", onMessage);
    peer.on("error", onError);
    peer.on("exit", onExit);
  });
}

const forkChild = fileURLToPath(new URL("./workers/fork-queue-child.ts", import.meta.url));
const forkAs = (role: string) =>
  fork(forkChild, [role, JSON.stringify(shape)], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });

/** Starts the producer and consumer; returns the peer to say "go" to and the one that reports the tally. */
async function start(): Promise<{ producer: Peer; reporter: Peer; stop: () => Promise<void> }> {
  switch (variant) {
    case "message-channel": {
      const { port1, port2 } = new MessageChannel();
      const url = new URL("./workers/queue-worker.ts", import.meta.url);
      const producer = new Worker(url, { workerData: { role: "producer", port: port1, shape }, transferList: [port1] });
      const consumer = new Worker(url, { workerData: { role: "consumer", port: port2, shape }, transferList: [port2] });
      await Promise.all([nextMessage(producer), nextMessage(consumer)]);
      return { producer, reporter: consumer, stop: async () => void (await Promise.all([producer.terminate(), consumer.terminate()])) };
    }
    case "fork-relay": {
      const producer = forkAs("producer");
      const consumer = forkAs("consumer");
      await Promise.all([nextMessage(producer), nextMessage(consumer)]);
      producer.on("message", (m: unknown) => consumer.send(m as never));
      return { producer, reporter: consumer, stop: async () => void [producer, consumer].forEach((c) => c.kill()) };
    }
    case "fork-direct": {
      const producer = forkAs("producer-direct");
      await nextMessage(producer);
      return { producer, reporter: producer, stop: async () => void producer.kill() };
    }
  }
}

const { producer, reporter, stop } = await start();
const tallyArrives = nextMessage(reporter);
const t0 = now();
if (producer instanceof Worker) producer.postMessage("go");
else producer.send("go");
const tally = (await tallyArrives) as Tally;
const seconds = (now() - t0) / 1000;
await stop();
const wrong = checkTally(shape, tally);
if (wrong !== undefined) throw new WrongResultError(...wrong);
await report(throughput(shape, seconds), { messages: shape.messages, size: shape.size, seconds });
