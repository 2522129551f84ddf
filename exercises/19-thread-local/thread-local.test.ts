import { currentProcess, Lock, Process, Value } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import {
  addInWorkers,
  addSync,
  countInWorkers,
  countRequests,
  handledInThisThread,
  handleRequest,
  logLine,
  requestId,
  serveInWorker,
  type WorkerReport,
} from "./thread-local.ts";

// This exercise runs in the thread context only (exercise.json): acquireSync(), releaseSync() and
// value.value need memory shared between threads. Every child here is a worker thread.

describe("1. Every worker has its own module", () => {
  it("countRequests, called here, counts in this thread's handledHere and reports this thread", async () => {
    const before = handledInThisThread();
    const out = new Queue<WorkerReport>();
    await countRequests(2, out);
    expect(handledInThisThread()).toBe(before + 2);
    expect(await out.get()).toEqual({ name: "MainProcess", pid: process.pid, threadId: currentProcess().threadId ?? 0, handledHere: before + 2 });
  });

  it("each worker counts only its own requests, and this thread's counter does not change", async () => {
    const before = handledInThisThread();
    const reports = await countInWorkers([2, 3]);
    expect(reports.map((report) => report.handledHere)).toEqual([2, 3]);
    expect(handledInThisThread()).toBe(before);
  });

  it("the workers are threads of this process: the same pid, each with its own thread id", async () => {
    const reports = await countInWorkers([1, 1]);
    expect(reports.map((report) => report.pid)).toEqual([process.pid, process.pid]);
    const ids = reports.map((report) => report.threadId);
    expect(new Set([...ids, currentProcess().threadId ?? 0]).size).toBe(3);
    expect(reports[0]!.name).not.toBe(reports[1]!.name);
  });
});

describe("2. A synchronous critical section", () => {
  it("addInWorkers: 2 workers adding 5000 each under the lock reach exactly 10000", async () => {
    expect(await addInWorkers(2, 5000)).toBe(10_000);
  });

  it("a worker running addSync waits while the lock is held elsewhere, and leaves it free", async () => {
    const total = new Value("i", 0);
    const lock = new Lock();
    await lock.acquire();
    const worker = new Process({ target: addSync, args: [total, lock, 3], context: "thread" });
    worker.start();
    // Not a synchronisation: a worker that takes the lock cannot add anything however long this
    // is; one that does not take it would have finished by then.
    await worker.join(1000);
    expect(total.value, "addSync added while another held the lock").toBe(0);
    await lock.release();
    await worker.join();
    expect(worker.exitCode).toBe(0);
    expect(total.value).toBe(3);
    expect(await lock.acquire({ blocking: false }), "addSync left the lock held").toBe(true);
    await lock.release();
  });
});

describe("3. State per async task: AsyncLocalStorage", () => {
  it("logLine outside any request says so; inside one, it names the request", () => {
    expect(logLine("hello")).toBe("[no request] hello");
    expect(requestId.run("r1", () => logLine("hello"))).toBe("[r1] hello");
  });

  it("handleRequest: requests handled at the same time in one thread each log their own id", async () => {
    // c finishes first, a last: each must still see its own id after its wait.
    const lines = await Promise.all([handleRequest("a", 30), handleRequest("b", 20), handleRequest("c", 10)]);
    expect(lines).toEqual(["[a] handled", "[b] handled", "[c] handled"]);
    expect(requestId.getStore()).toBeUndefined();
  });

  it("serveInWorker: the same in a worker thread; the parent's request does not cross to the worker", async () => {
    const lines = await requestId.run("parent", () => serveInWorker(["x", "y", "z"]));
    expect(lines).toEqual(["[x] handled", "[y] handled", "[z] handled", "[no request] done"]);
  });
});
