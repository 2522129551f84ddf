/**
 * cpu-speedup, JavaScript side: counts the primes below `limit` by trial division, split into
 * chunks of `chunk` numbers handed to idle workers one at a time, first with 1 worker thread and
 * then with `workers` threads (plain node:worker_threads, started and warmed before the clocks
 * start). Reports the speed-up, time with 1 worker / time with `workers`.
 *
 * The two phases use different threads, as Python's and multiproc's rows use two pools: reusing
 * the first phase's thread in the second would give that phase one worker whose JIT has already
 * run the whole workload, and the other only the warm-up.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { WrongResultError } from "../errors.ts";
import { childInput, needParam, now, report } from "./child.ts";
import { chunks } from "./primes.ts";

const input = childInput();
const limit = needParam(input.params, "limit");
const chunk = needParam(input.params, "chunk");
const workers = needParam(input.params, "workers");
/** π(limit), known in advance, so that a wrong count fails the measurement. */
const expected = needParam(input.params, "expected");
const work = chunks(limit, chunk);

/** Sends one chunk to a worker and resolves with its answer. */
function ask(w: Worker, range: [number, number]): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (count: number) => {
      w.off("error", onError);
      resolve(count);
    };
    const onError = (err: Error) => {
      w.off("message", onMessage);
      reject(err);
    };
    w.once("message", onMessage);
    w.once("error", onError);
    w.postMessage(range);
  });
}

/** Counts all chunks with the given workers, each taking the next chunk when it is done. */
async function countWith(pool: readonly Worker[]): Promise<number> {
  let next = 0;
  let total = 0;
  await Promise.all(
    pool.map(async (w) => {
      while (next < work.length) {
        const range = work[next++] as [number, number];
        const count = await ask(w, range);
        total += count;
      }
    }),
  );
  return total;
}

const start = (): Worker => new Worker(new URL("./workers/primes-worker.ts", import.meta.url));
const alone = [start()];
const threads = Array.from({ length: workers }, start);
// Warm every worker's JIT on the same code before timing.
await Promise.all([...alone, ...threads].map((w) => ask(w, [0, Math.min(limit, 50_000)])));
let t0 = now();
const one = await countWith(alone);
const t1 = now() - t0;
t0 = now();
const many = await countWith(threads);
const tn = now() - t0;
if (one !== expected) throw new WrongResultError(`primes below ${limit} counted with 1 worker`, expected, one);
if (many !== expected) throw new WrongResultError(`primes below ${limit} counted with ${workers} workers`, expected, many);
await Promise.all([...alone, ...threads].map((w) => w.terminate()));
await report(t1 / tn, { oneWorkerMs: t1, [`${workers}WorkersMs`]: tn, primes: one, workers });
