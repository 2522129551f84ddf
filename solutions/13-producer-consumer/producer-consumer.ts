/**
 * Exercise 13: producer and consumer — the reference solution.
 */
import { type ContextName, Process, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

/**
 * What a run of children reports: what the consumers sent back, and every child's exit code
 * (the producer's first).
 *
 * @example
 * ```ts
 * const run: Run<number[]> = { result: [5050], exitCodes: [0, 0] };
 * ```
 */
export interface Run<T> {
  /** What the consumers sent back. */
  result: T;
  /** The exit codes: the producer's, then each consumer's. */
  exitCodes: (number | null)[];
}

// ── 1. Stop at the sentinel ─────────────────────────────────────────────────────────────────

/**
 * A task, the producer: puts the numbers 1 to `count` on `q`, then one sentinel (`null`) for each
 * of the `consumers`.
 *
 * @example
 * ```ts
 * const q = new Queue<number | null>();
 * await produce(q, 3, 2); // q now holds 1, 2, 3, null, null
 * ```
 */
export const produce = task(import.meta, async function produce(q: Queue<number | null>, count: number, consumers: number): Promise<void> {
  for (let i = 1; i <= count; i++) await q.put(i);
  for (let i = 0; i < consumers; i++) await q.put(null);
});

/**
 * A task, a consumer: gets numbers from `q` and adds them up until it gets the sentinel `null`;
 * then puts the sum on `totals` and returns. It reads nothing after the sentinel.
 *
 * @example
 * ```ts
 * // q holds 1, 2, 3, null
 * await consume(q, totals);
 * await totals.get(); // 6
 * ```
 */
export const consume = task(import.meta, async function consume(q: Queue<number | null>, totals: Queue<number>): Promise<void> {
  let sum = 0;
  for (;;) {
    const item = await q.get();
    if (item === null) break;
    sum += item;
  }
  await totals.put(sum);
});

// ── 2. Producer and consumers in children ───────────────────────────────────────────────────

/**
 * Runs one {@link produce} child and `consumers` {@link consume} children in `context`, sharing a
 * queue of at most 4 items, and returns each consumer's sum (in the order they arrive) and every
 * child's exit code. Every child stops by itself.
 *
 * @example
 * ```ts
 * const { result, exitCodes } = await sumInChildren(100, 2, "process");
 * result.reduce((a, b) => a + b); // 5050
 * exitCodes; // [0, 0, 0]
 * ```
 */
export async function sumInChildren(count: number, consumers: number, context: ContextName): Promise<Run<number[]>> {
  const q = new Queue<number | null>({ maxsize: 4 });
  const totals = new Queue<number>();
  const children = [
    new Process({ target: produce, args: [q, count, consumers], context }),
    ...Array.from({ length: consumers }, () => new Process({ target: consume, args: [q, totals], context })),
  ];
  for (const child of children) child.start();
  const result: number[] = [];
  for (let i = 0; i < consumers; i++) result.push(await totals.get());
  for (const child of children) await child.join();
  return { result, exitCodes: children.map((child) => child.exitCode) };
}

// ── 3. Close the queue ──────────────────────────────────────────────────────────────────────

/**
 * A task, the producer: puts each of `words` on `q`, then closes `q`.
 *
 * @example
 * ```ts
 * await produceAndClose(q, ["a", "b"]);
 * await q.put("c"); // rejects with QueueClosedError
 * ```
 */
export const produceAndClose = task(import.meta, async function produceAndClose(q: Queue<string>, words: string[]): Promise<void> {
  for (const word of words) await q.put(word);
  await q.close();
});

/**
 * A task, the consumer: reads every word from `q` with `for await` until the queue is closed
 * and empty, then puts all of them, in upper case and in the order read, on `out` as one array.
 *
 * @example
 * ```ts
 * // q holds "a", "b" and is closed
 * await shoutAll(q, out);
 * await out.get(); // ["A", "B"]
 * ```
 */
export const shoutAll = task(import.meta, async function shoutAll(q: Queue<string>, out: Queue<string[]>): Promise<void> {
  const shouted: string[] = [];
  for await (const word of q) shouted.push(word.toUpperCase());
  await out.put(shouted);
});

/**
 * Runs one {@link produceAndClose} child and one {@link shoutAll} child in `context`, sharing a
 * queue of at most 2 words, and returns the shouted words and both exit codes.
 *
 * @example
 * ```ts
 * await shoutInChildren(["one", "two"], "thread"); // { result: ["ONE", "TWO"], exitCodes: [0, 0] }
 * ```
 */
export async function shoutInChildren(words: string[], context: ContextName): Promise<Run<string[]>> {
  const q = new Queue<string>({ maxsize: 2 });
  const out = new Queue<string[]>();
  const children = [
    new Process({ target: produceAndClose, args: [q, words], context }),
    new Process({ target: shoutAll, args: [q, out], context }),
  ];
  for (const child of children) child.start();
  const result = await out.get();
  for (const child of children) await child.join();
  return { result, exitCodes: children.map((child) => child.exitCode) };
}
