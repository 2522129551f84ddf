/**
 * Exercise 13: producer and consumer. Read README.md first: each numbered part below is one of
 * its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade producer-consumer`.
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
  // TODO: put 1, 2, …, count on q; then one null per consumer.
  throw new Error(`TODO: produce(q, ${count}, ${consumers}) is not written yet`);
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
  // TODO: get and add up numbers until you get null; then put the sum on totals.
  throw new Error("TODO: consume(q, totals) is not written yet");
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
  // TODO: a Queue<number | null>({ maxsize: 4 }) and a Queue<number> for the sums; a producer
  // child and `consumers` consumer children; start all; one get per consumer; join all; return
  // { result, exitCodes } (the producer's exit code first).
  throw new Error(`TODO: sumInChildren(${count}, ${consumers}, "${context}") is not written yet`);
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
  // TODO: put each word on q, then close q.
  throw new Error(`TODO: produceAndClose(q, ${JSON.stringify(words)}) is not written yet`);
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
  // TODO: for await over q, collecting each word in upper case; after the loop, put the array on out.
  throw new Error("TODO: shoutAll(q, out) is not written yet");
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
  // TODO: a Queue<string>({ maxsize: 2 }) and a Queue<string[]>; a child running produceAndClose
  // and a child running shoutAll; start both; get the array; join both; return { result, exitCodes }.
  throw new Error(`TODO: shoutInChildren(${JSON.stringify(words)}, "${context}") is not written yet`);
}
