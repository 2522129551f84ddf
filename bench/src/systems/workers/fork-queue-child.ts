// queue-throughput, child-process IPC variants: a forked child (advanced serialization) that is
//   producer         sends the stream to its parent (which relays it to the consumer), on "go";
//   producer-direct  forks its own consumer and sends the stream straight to it, on "go", and
//                    passes the consumer's tally up to its parent;
//   consumer         counts the stream from its parent and sends the tally back at the end.
// Every role says "ready" to its parent first. None disconnects: disconnecting closes the channel
// at once and drops messages still queued in it; the benchmark's parent kills the children.
import { fork, type Serializable } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { consume, produce, type StreamShape, type Tally } from "../queue-messages.ts";

const [role, json] = process.argv.slice(2);
const shape = JSON.parse(json ?? "{}") as StreamShape;
const send = (m: unknown) => {
  if (process.send === undefined) throw new Error("fork-queue-child.ts must be started with child_process.fork");
  process.send(m);
};

if (role === "consumer") {
  const tally: Tally = { received: 0, bytes: 0 };
  process.on("message", (m: unknown) => {
    if (m === null) {
      send(tally);
    } else consume(tally, m);
  });
  send("ready");
} else if (role === "producer") {
  process.once("message", () => produce(shape, send));
  send("ready");
} else if (role === "producer-direct") {
  const consumer = fork(fileURLToPath(import.meta.url), ["consumer", json ?? "{}"], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  consumer.once("message", () => {
    consumer.once("message", (tally) => send(tally));
    // Advanced serialization sends null (the end marker) too; the type only knows JSON's.
    process.once("message", () => produce(shape, (m) => consumer.send(m as Serializable)));
    send("ready");
  });
} else {
  throw new Error(`unknown role ${role}: expected producer, producer-direct or consumer`);
}
