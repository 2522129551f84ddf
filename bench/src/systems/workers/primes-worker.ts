// cpu-speedup worker: answers each [lo, hi) chunk with the number of primes in it.
import { parentPort } from "node:worker_threads";
import { countPrimes } from "../primes.ts";

const port = parentPort;
if (port === null) throw new Error("primes-worker.ts must run as a worker thread");
port.on("message", ([lo, hi]: [number, number]) => {
  port.postMessage(countPrimes(lo, hi));
});
