/**
 * Exercise 16: Event, Semaphore, Condition, Barrier — the reference solution.
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
    await ready.wait();
    await out.put(await data.get());
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
  const ready = new Event();
  const data = new Value("i", 0);
  const out = new Queue<number>();
  const child = new Process({ target: readWhenReady, args: [ready, data, out], context });
  child.start();
  await data.set(value);
  await ready.set();
  const read = await out.get();
  await child.join();
  return read;
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
  await slots.withLock(async () => {
    const now = await inside.update((n) => n + 1);
    await most.update((m) => Math.max(m, now));
    await pause(20);
    await inside.update((n) => n - 1);
  });
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
  const slots = new Semaphore(permits);
  const inside = new Value("i", 0);
  const most = new Value("i", 0);
  const children = Array.from({ length: visitors }, () => new Process({ target: visit, args: [slots, inside, most], context }));
  for (const child of children) child.start();
  for (const child of children) await child.join();
  return most.get();
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
  await cond.withLock(async () => {
    await total.set((await total.get()) + n);
    await cond.notifyAll();
  });
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
  return cond.withLock(async () => {
    await cond.waitFor(async () => (await total.get()) >= target, { timeout: timeoutMs });
    return total.get();
  });
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
  const cond = new Condition();
  const total = new Value("i", 0);
  const children = numbers.map((n) => new Process({ target: add, args: [cond, total, n], context }));
  for (const child of children) child.start();
  const reached = await waitForTotal(cond, total, numbers.reduce((sum, n) => sum + n, 0), 30_000);
  for (const child of children) await child.join();
  return reached;
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
  await finished.update((n) => n + 1);
  await barrier.wait();
  await out.put(await finished.get());
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
  const barrier = new Barrier(parties);
  const finished = new Value("i", 0);
  const out = new Queue<number>();
  const children = Array.from({ length: parties }, () => new Process({ target: phases, args: [barrier, finished, out], context }));
  for (const child of children) child.start();
  const seen: number[] = [];
  for (let i = 0; i < parties; i++) seen.push(await out.get());
  for (const child of children) await child.join();
  return seen;
}
