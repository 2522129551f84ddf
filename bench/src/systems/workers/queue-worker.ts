// queue-throughput, MessageChannel variant: a worker thread that is the producer or the
// consumer on one end of a MessageChannel. It says "ready" to its parent; the producer then
// waits for "go", the consumer reports its tally to the parent at the end marker.
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { consume, produce, type StreamShape, type Tally } from "../queue-messages.ts";

const { role, port, shape } = workerData as { role: "producer" | "consumer"; port: MessagePort; shape: StreamShape };
const parent = parentPort;
if (parent === null) throw new Error("queue-worker.ts must run as a worker thread");
if (role === "producer") {
  parent.once("message", () => {
    produce(shape, (m) => port.postMessage(m));
    port.close();
  });
} else {
  const tally: Tally = { received: 0, bytes: 0 };
  // `addEventListener`, not `port.on("message")`: on Deno 2.9 the Node-style listener is ~150× slower
  // for 1 MiB messages; the Web-style one is as fast as on Node and Bun.
  port.addEventListener("message", (e) => {
    const data = (e as MessageEvent).data as unknown;
    if (data === null) {
      parent.postMessage(tally);
      port.close();
    } else consume(tally, data);
  });
  port.start();
}
parent.postMessage("ready");
