/**
 * lock-counter, JavaScript side: `children` worker threads each increment one shared counter
 * `increments` times, each increment under a bare SharedArrayBuffer + Atomics mutex. The
 * workers are started and waiting before the clock starts; it stops when all have said they are
 * done. Reports increments per second.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { WrongResultError } from "../errors.ts";
import { childInput, needParam, now, report } from "./child.ts";
import { COUNTER, GO, SLOTS } from "./lock-counter-layout.ts";

const input = childInput();
const children = needParam(input.params, "children");
const increments = needParam(input.params, "increments");
const buffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
const cells = new Int32Array(buffer);

/** Resolves with the worker's next message, rejects if it fails first. */
function nextMessage(w: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      w.off("error", onError);
      resolve(m);
    };
    const onError = (err: Error) => {
      w.off("message", onMessage);
      reject(err);
    };
    w.once("message", onMessage);
    w.once("error", onError);
  });
}

const url = new URL("./workers/lock-worker.ts", import.meta.url);
const workers = Array.from({ length: children }, () => new Worker(url, { workerData: { buffer, increments } }));
await Promise.all(workers.map(nextMessage)); // "ready"
const done = workers.map(nextMessage);
const t0 = now();
Atomics.store(cells, GO, 1);
Atomics.notify(cells, GO);
await Promise.all(done);
const seconds = (now() - t0) / 1000;
await Promise.all(workers.map((w) => w.terminate()));
const total = children * increments;
if (cells[COUNTER] !== total) throw new WrongResultError("the shared counter", total, cells[COUNTER]);
await report(total / seconds, { children, increments, seconds });
