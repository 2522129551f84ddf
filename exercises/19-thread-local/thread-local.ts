/**
 * Exercise 19: threads and thread-local state. Read README.md first: each numbered part below is
 * one of its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade thread-local`.
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
  // TODO: add `requests` to handledHere; then put { name, pid, threadId, handledHere } on `out`
  // (name and threadId from currentProcess(), threadId ?? 0; pid is process.pid).
  void currentProcess;
  throw new Error(`TODO: countRequests(${requests}, out) is not written yet`);
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
  // TODO: per number: a Queue and a Process (context "thread") running countRequests; start
  // them all; get one report from each queue, in order; join them all; return the reports.
  void Queue;
  void Process;
  throw new Error(`TODO: countInWorkers(${JSON.stringify(requests)}) is not written yet`);
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
  // TODO: `times` times: lock.acquireSync(); total.value += 1; lock.releaseSync() (in a finally).
  throw new Error(`TODO: addSync(total, lock, ${times}) is not written yet`);
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
  // TODO: one Value("i", 0) and one Lock; `workers` worker threads running addSync; start all,
  // join all; return total.value.
  void Value;
  void Lock;
  throw new Error(`TODO: addInWorkers(${workers}, ${times}) is not written yet`);
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
  // TODO: "[" + the current request id (requestId.getStore()), or "no request" + "] " + message.
  throw new Error(`TODO: logLine("${message}") is not written yet`);
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
  // TODO: requestId.run(id, an async function that awaits pause(delayMs), then returns logLine("handled")).
  throw new Error(`TODO: handleRequest("${id}", ${delayMs}) is not written yet`);
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
  // TODO: all at once: handleRequest(ids[i], (ids.length - i) * 5) for every i (Promise.all);
  // put the lines, followed by logLine("done"), on `out`.
  throw new Error(`TODO: serveRequests(${JSON.stringify(ids)}, out) is not written yet`);
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
  // TODO: a Queue and a worker thread running serveRequests(ids, out); get the lines; join; return.
  throw new Error(`TODO: serveInWorker(${JSON.stringify(ids)}) is not written yet`);
}
