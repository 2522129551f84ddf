/**
 * Exercise 19: threads and thread-local state — the reference solution.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { currentProcess, Lock, Process, task, Value } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

/**
 * Waits `ms` milliseconds.
 *
 * @example
 * ```ts
 * await pause(10);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ── 1. Every worker has its own module ──────────────────────────────────────────────────────

/**
 * How many requests this thread has handled. A module-level variable: every worker thread has
 * its own copy of this module, so its own counter.
 */
let handledHere = 0;

/**
 * How many requests the calling thread has handled so far (its own `handledHere`).
 *
 * @example
 * ```ts
 * handledInThisThread(); // 0 in a thread that never ran countRequests
 * ```
 */
export function handledInThisThread(): number {
  return handledHere;
}

/**
 * What a worker reports about itself.
 *
 * @example
 * ```ts
 * const report: WorkerReport = { name: "Process-1", pid: process.pid, threadId: 2, handledHere: 3 };
 * ```
 */
export interface WorkerReport {
  /** The worker's name (`Process-1`, …; `MainProcess` when called here). */
  name: string;
  /** The OS process id: the same for every thread of one process. */
  pid: number;
  /** The thread's id: 0 on the main thread. */
  threadId: number;
  /** Its `handledHere` after counting. */
  handledHere: number;
}

/**
 * Adds `requests` to this thread's `handledHere`, then puts a `WorkerReport` about the calling
 * thread on `out`.
 *
 * @example
 * ```ts
 * new Process({ target: countRequests, args: [3, out], context: "thread" });
 * ```
 */
export const countRequests = task(import.meta, async function countRequests(requests: number, out: Queue<WorkerReport>): Promise<void> {
  handledHere += requests;
  const me = currentProcess();
  await out.put({ name: me.name, pid: process.pid, threadId: me.threadId ?? 0, handledHere });
});

/**
 * Starts one worker thread per number, each running `countRequests` with that number and a
 * queue of its own, and returns their reports in the order of the numbers.
 *
 * @example
 * ```ts
 * await countInWorkers([2, 3]); // handledHere: 2 and 3
 * ```
 */
export async function countInWorkers(requests: number[]): Promise<WorkerReport[]> {
  const runs = requests.map((n) => {
    const out = new Queue<WorkerReport>();
    const worker = new Process({ target: countRequests, args: [n, out], context: "thread" });
    worker.start();
    return { worker, out };
  });
  const reports: WorkerReport[] = [];
  for (const { out } of runs) reports.push(await out.get());
  for (const { worker } of runs) await worker.join();
  return reports;
}

// ── 2. A synchronous critical section ───────────────────────────────────────────────────────

/**
 * Adds 1 to `total` `times` times. Each addition reads and writes `total.value` while holding
 * `lock`, taken with `acquireSync()` and let go with `releaseSync()`. Thread context only.
 *
 * @example
 * ```ts
 * new Process({ target: addSync, args: [total, lock, 1000], context: "thread" });
 * ```
 */
export const addSync = task(import.meta, function addSync(total: Value<"i">, lock: Lock, times: number): void {
  for (let i = 0; i < times; i++) {
    lock.acquireSync();
    try {
      total.value += 1;
    } finally {
      lock.releaseSync();
    }
  }
});

/**
 * Starts `workers` worker threads, each running `addSync` `times` times on one shared total
 * with one shared lock, waits for them, and returns the total.
 *
 * @example
 * ```ts
 * await addInWorkers(2, 5000); // 10000
 * ```
 */
export async function addInWorkers(workers: number, times: number): Promise<number> {
  const total = new Value("i", 0);
  const lock = new Lock();
  const children = Array.from({ length: workers }, () => new Process({ target: addSync, args: [total, lock, times], context: "thread" }));
  for (const child of children) child.start();
  for (const child of children) await child.join();
  return total.value;
}

// ── 3. State per async task: AsyncLocalStorage ──────────────────────────────────────────────

/**
 * The id of the request being handled, for the async task that handles it.
 *
 * @example
 * ```ts
 * requestId.run("r1", () => requestId.getStore()); // "r1"
 * requestId.getStore(); // undefined outside any run
 * ```
 */
export const requestId = new AsyncLocalStorage<string>();

/**
 * A log line: `[id] message`, where `id` is the current request's id, or `no request` outside
 * any request.
 *
 * @example
 * ```ts
 * logLine("hello"); // "[no request] hello"
 * requestId.run("r1", () => logLine("hello")); // "[r1] hello"
 * ```
 */
export function logLine(message: string): string {
  return `[${requestId.getStore() ?? "no request"}] ${message}`;
}

/**
 * Handles the request `id`: with `id` as the current request, waits `delayMs` milliseconds,
 * then returns `logLine("handled")`.
 *
 * @example
 * ```ts
 * await handleRequest("r1", 10); // "[r1] handled"
 * ```
 */
export function handleRequest(id: string, delayMs: number): Promise<string> {
  return requestId.run(id, async () => {
    await pause(delayMs);
    return logLine("handled");
  });
}

/**
 * Handles every request at the same time in the calling thread — the first one with the
 * longest delay (5 ms per request after it), so that they finish in reverse order — and puts
 * their log lines, in the order of `ids`, followed by `logLine("done")`, on `out`.
 *
 * @example
 * ```ts
 * new Process({ target: serveRequests, args: [["a", "b"], out], context: "thread" });
 * ```
 */
export const serveRequests = task(import.meta, async function serveRequests(ids: string[], out: Queue<string[]>): Promise<void> {
  const lines = await Promise.all(ids.map((id, i) => handleRequest(id, (ids.length - i) * 5)));
  await out.put([...lines, logLine("done")]);
});

/**
 * Runs `serveRequests(ids, out)` in a worker thread and returns the lines it put on the queue.
 *
 * @example
 * ```ts
 * await serveInWorker(["a", "b"]); // ["[a] handled", "[b] handled", "[no request] done"]
 * ```
 */
export async function serveInWorker(ids: string[]): Promise<string[]> {
  const out = new Queue<string[]>();
  const worker = new Process({ target: serveRequests, args: [ids, out], context: "thread" });
  worker.start();
  const lines = await out.get();
  await worker.join();
  return lines;
}
