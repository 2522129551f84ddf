/**
 * Exercise 16: Event, Semaphore, Condition, Barrier. Read README.md first: each numbered part
 * below is one of its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade sync-primitives`.
 */
import { Barrier, Condition, type ContextName, Event, Process, Semaphore, Value, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

/**
 * Waits `ms` milliseconds: the time a visitor spends inside (task 2).
 *
 * @example
 * ```ts
 * await pause(20);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ── 1. Event: the data is ready ─────────────────────────────────────────────────────────────

/**
 * Waits until `ready` is set, then reads `data` and puts what it read on `out`.
 *
 * @example
 * ```ts
 * new Process({ target: readWhenReady, args: [ready, data, out], context: "process" });
 * ```
 */
export const readWhenReady = task(
  import.meta,
  async function readWhenReady(ready: Event, data: Value<"i">, out: Queue<number>): Promise<void> {
    // TODO: wait until `ready` is set; then put the value of `data` (await data.get()) on `out`.
    throw new Error("TODO: readWhenReady(ready, data, out) is not written yet");
  },
);

/**
 * Starts a child running `readWhenReady`, then stores `value` in the shared `data`, sets the
 * event, and returns what the child read.
 *
 * @example
 * ```ts
 * await handOver(42, "process"); // 42
 * ```
 */
export async function handOver(value: number, context: ContextName): Promise<number> {
  // TODO: an Event, a Value("i", 0) and a Queue<number>; start a child running readWhenReady;
  // then set the data to `value`, set the event, get the child's answer, join it, return the answer.
  void Event;
  void Process;
  throw new Error(`TODO: handOver(${value}, "${context}") is not written yet`);
}

// ── 2. Semaphore: at most two at a time ─────────────────────────────────────────────────────

/**
 * Takes a permit from `slots`, and while holding it: adds 1 to `inside`, raises `most` to the
 * new `inside` if that is more, stays 20 ms, and takes 1 from `inside` again.
 *
 * @example
 * ```ts
 * await visit(new Semaphore(2), new Value("i", 0), new Value("i", 0));
 * ```
 */
export const visit = task(import.meta, async function visit(slots: Semaphore, inside: Value<"i">, most: Value<"i">): Promise<void> {
  // TODO: holding a permit of `slots` (withLock): inside + 1 (update returns the new value),
  // most = max(most, that value), await pause(20), inside − 1.
  throw new Error("TODO: visit(slots, inside, most) is not written yet");
});

/**
 * Starts `visitors` children running `visit` with one `Semaphore(permits)`, waits for all of
 * them, and returns the most visitors that were inside at once.
 *
 * @example
 * ```ts
 * await crowd(4, 2, "thread"); // 2 (or 1)
 * ```
 */
export async function crowd(visitors: number, permits: number, context: ContextName): Promise<number> {
  // TODO: one Semaphore(permits), two Values("i", 0); `visitors` children running visit;
  // start all, join all, return the value of `most`.
  void Semaphore;
  throw new Error(`TODO: crowd(${visitors}, ${permits}, "${context}") is not written yet`);
}

// ── 3. Condition: wait until the total is reached ───────────────────────────────────────────

/**
 * Holding `cond`'s lock: adds `n` to `total`, then wakes everyone waiting on `cond`.
 *
 * @example
 * ```ts
 * await add(cond, total, 10);
 * ```
 */
export const add = task(import.meta, async function add(cond: Condition, total: Value<"i">, n: number): Promise<void> {
  // TODO: holding cond's lock (withLock): set total to total + n, then notifyAll().
  throw new Error(`TODO: add(cond, total, ${n}) is not written yet`);
});

/**
 * Waits, on `cond`, until `total` is at least `target` (or `timeoutMs` have passed), and
 * returns the total it saw last.
 *
 * @example
 * ```ts
 * await waitForTotal(cond, total, 60, 30_000); // 60 once the adders are done
 * ```
 */
export async function waitForTotal(cond: Condition, total: Value<"i">, target: number, timeoutMs: number): Promise<number> {
  // TODO: holding cond's lock: waitFor(total >= target, { timeout: timeoutMs }), then return the total.
  throw new Error(`TODO: waitForTotal(cond, total, ${target}, ${timeoutMs}) is not written yet`);
}

/**
 * Starts one child per number, each running `add` on one shared total, waits with
 * `waitForTotal` until the total is the sum of the numbers, joins the children and returns the
 * total.
 *
 * @example
 * ```ts
 * await sumInChildren([10, 20, 30], "process"); // 60
 * ```
 */
export async function sumInChildren(numbers: number[], context: ContextName): Promise<number> {
  // TODO: one Condition, one Value("i", 0); a child per number running add; start them all;
  // waitForTotal(…, the sum of the numbers, 30_000); join them all; return the total.
  void Condition;
  throw new Error(`TODO: sumInChildren(${JSON.stringify(numbers)}, "${context}") is not written yet`);
}

// ── 4. Barrier: everyone finishes phase 1 first ─────────────────────────────────────────────

/**
 * Phase 1: adds 1 to `finished`. Then waits at `barrier` for the other parties. Phase 2: puts
 * the value of `finished` it reads then on `out`.
 *
 * @example
 * ```ts
 * new Process({ target: phases, args: [barrier, finished, out], context: "thread" });
 * ```
 */
export const phases = task(import.meta, async function phases(barrier: Barrier, finished: Value<"i">, out: Queue<number>): Promise<void> {
  // TODO: finished + 1; wait at the barrier; put the value of `finished` on `out`.
  throw new Error("TODO: phases(barrier, finished, out) is not written yet");
});

/**
 * Starts `parties` children running `phases` with one `Barrier(parties)`, collects the
 * `parties` numbers they put on the queue, joins them, and returns the numbers.
 *
 * @example
 * ```ts
 * await runPhases(3, "process"); // [3, 3, 3]
 * ```
 */
export async function runPhases(parties: number, context: ContextName): Promise<number[]> {
  // TODO: one Barrier(parties), one Value("i", 0), one Queue<number>; `parties` children
  // running phases; start all; get `parties` numbers; join all; return the numbers.
  void Barrier;
  throw new Error(`TODO: runPhases(${parties}, "${context}") is not written yet`);
}
