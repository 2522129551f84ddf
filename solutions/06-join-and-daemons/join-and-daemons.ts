/**
 * Exercise 6: joining, daemons and exit codes — the reference solution.
 */
import { type ContextName, Event, Process, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

// ── Given: the children's work ──────────────────────────────────────────────────────────────

/**
 * Waits `ms` milliseconds, then returns. (Given: you do not need to change it.)
 *
 * @example
 * ```ts
 * const child = new Process({ target: nap, args: [10_000], context: "process" });
 * ```
 */
export const nap = task(import.meta, async function nap(ms: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
});

/**
 * Waits `ms` milliseconds, then puts `"done"` on `out`. (Given.)
 *
 * @example
 * ```ts
 * new Process({ target: napThenReport, args: [300, out], context: "thread" });
 * ```
 */
export const napThenReport = task(import.meta, async function napThenReport(ms: number, out: Queue<string>): Promise<void> {
  await nap(ms);
  await out.put("done");
});

/**
 * A background helper that never ends by itself: it sets `started`, then beats every 50 ms for
 * ever. (Given.)
 *
 * @example
 * ```ts
 * new Process({ target: heartbeat, args: [started], daemon: true, context: "process" });
 * ```
 */
export const heartbeat = task(import.meta, async function heartbeat(started: Event): Promise<void> {
  await started.set();
  for (;;) await nap(50);
});

// ── 1. Join with a timeout ──────────────────────────────────────────────────────────────────

/**
 * Waits at most `ms` milliseconds for a started `child` to end, and tells whether it has ended.
 * It does not stop the child.
 *
 * @example
 * ```ts
 * await finishedWithin(child, 100); // false: the child naps for 10 s and is still running
 * ```
 */
export async function finishedWithin(child: Process<[number]>, ms: number): Promise<boolean> {
  await child.join(ms);
  return !child.isAlive();
}

// ── 2. Stop a child ─────────────────────────────────────────────────────────────────────────

/**
 * Gives a started `child` at most `ms` milliseconds to end; if it is still running then, stops
 * it with `terminate()` or `kill()` (as `how` says). Waits until it has ended and returns its
 * exit code.
 *
 * @example
 * ```ts
 * await stopAfter(child, 100, "terminate"); // -15 for a child that naps for 10 s
 * ```
 */
export async function stopAfter(child: Process<[number]>, ms: number, how: "terminate" | "kill"): Promise<number | null> {
  await child.join(ms);
  if (child.isAlive()) {
    if (how === "kill") child.kill();
    else child.terminate();
    await child.join();
  }
  return child.exitCode;
}

// ── 3. Not joining ──────────────────────────────────────────────────────────────────────────

/**
 * A task: starts a child of its own, in `context`, that runs `napThenReport(ms, out)`, and
 * returns at once, without joining it.
 *
 * @example
 * ```ts
 * new Process({ target: startAndLeave, args: [300, out, "process"], context: "process" });
 * ```
 */
export const startAndLeave = task(import.meta, function startAndLeave(ms: number, out: Queue<string>, context: ContextName): void {
  const worker = new Process({ target: napThenReport, args: [ms, out], context });
  worker.start();
});

// ── 4. Daemons ──────────────────────────────────────────────────────────────────────────────

/**
 * What `withHelper` reports about its helper, just before it returns.
 *
 * @example
 * ```ts
 * const report: HelperReport = { daemon: true, alive: true };
 * ```
 */
export interface HelperReport {
  /** The helper's `daemon` flag. */
  daemon: boolean;
  /** Whether the helper was still running (`isAlive()`). */
  alive: boolean;
}

/**
 * A task: starts `heartbeat` as a **daemonic** child in `context`, waits until it has started,
 * puts a `HelperReport` about it on `out`, and returns without joining it. The helper is then
 * terminated when this process ends.
 *
 * @example
 * ```ts
 * new Process({ target: withHelper, args: [out, "process"], context: "process" });
 * ```
 */
export const withHelper = task(import.meta, async function withHelper(out: Queue<HelperReport>, context: ContextName): Promise<void> {
  const started = new Event();
  const helper = new Process({ target: heartbeat, args: [started], daemon: true, context });
  helper.start();
  await started.wait();
  await out.put({ daemon: helper.daemon, alive: helper.isAlive() });
});
