/**
 * lock-counter, multiproc side: `children` multiproc `Process`es each make `increments`
 * increments of one shared `Value("i")`, each under the value's own lock (an `RLock`, as Python's
 * `get_lock()`). The children are started and waiting before the clock starts; it stops when all
 * have said they are done. Reports increments per second.
 *
 * Variant: `thread-sync` (thread context, the synchronous fast path: `acquireSync()`, `.value`,
 * `releaseSync()`), `thread-async` or `process-async` (the portable async API: `await
 * lock.acquire()`, `get()`, `set()`, `await lock.release()`). An optional second argument caps
 * the increments per child (for the slow process rows); the detail records the count used.
 *
 * @module
 */
import { isMain, Process, Value } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { WrongResultError } from "../errors.ts";
import { capOf, childInput, needParam, now, report, variantOf } from "./child.ts";
import { countAsync, countSync, type Signals } from "./workers/multiproc-counter.ts";

if (isMain(import.meta)) {
  const input = childInput();
  const variant = variantOf(input, ["thread-sync", "thread-async", "process-async"] as const);
  const children = needParam(input.params, "children");
  const increments = Math.min(needParam(input.params, "increments"), capOf(input, 1, "increments per child"));
  const counter = new Value("i", 0);
  const signals: Signals = { ready: new Queue(), go: new Queue(), done: new Queue() };
  const target = variant === "thread-sync" ? countSync : countAsync;
  const context = variant === "process-async" ? "process" : "thread";
  const procs = Array.from({ length: children }, () => new Process({ target, args: [counter, increments, signals], context }));
  for (const p of procs) p.start();
  for (const _ of procs) await signals.ready.get();
  const t0 = now();
  for (const _ of procs) await signals.go.put(1);
  for (const _ of procs) await signals.done.get();
  const seconds = (now() - t0) / 1000;
  for (const p of procs) await p.join();
  const total = children * increments;
  const final = await counter.get();
  if (final !== total) throw new WrongResultError("the shared counter", total, final);
  const failed = procs.find((p) => p.exitCode !== 0);
  if (failed !== undefined) throw new Error(`${failed.name} exited with ${failed.exitCode}`);
  await report(total / seconds, { children, increments, seconds });
}
