// lock-counter worker: says it is ready, waits for the go signal, then increments the shared
// counter `increments` times, each under the Atomics mutex, and says it is done.
import { parentPort, workerData } from "node:worker_threads";
import { lockMutex, unlockMutex } from "../atomics-mutex.ts";
import { GO, MUTEX, COUNTER } from "../lock-counter-layout.ts";

const { buffer, increments } = workerData as { buffer: SharedArrayBuffer; increments: number };
const port = parentPort;
if (port === null) throw new Error("lock-worker.ts must run as a worker thread");
const cells = new Int32Array(buffer);
port.postMessage("ready");
while (Atomics.load(cells, GO) === 0) Atomics.wait(cells, GO, 0);
for (let i = 0; i < increments; i++) {
  lockMutex(cells, MUTEX);
  cells[COUNTER] = (cells[COUNTER] ?? 0) + 1;
  unlockMutex(cells, MUTEX);
}
port.postMessage("done");
