/**
 * Exercise 12: getting results back with a queue. Read README.md first: each numbered part below
 * is one of its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade queue-results`.
 */
import { type ContextName, Process, task } from "@multiproc/core";
import { Empty, Queue } from "@multiproc/ipc";

// ── 1. One get per result ───────────────────────────────────────────────────────────────────

/**
 * A task: puts `[x, x * x]` on `results` — the input with its result, so that the reader knows
 * which input the result belongs to.
 *
 * @example
 * ```ts
 * const results = new Queue<[number, number]>();
 * await square(3, results);
 * await results.get(); // [3, 9]
 * ```
 */
export const square = task(import.meta, async function square(x: number, results: Queue<[number, number]>): Promise<void> {
  // TODO: put [x, x * x] on results.
  throw new Error(`TODO: square(${x}) is not written yet`);
});

/**
 * Runs {@link square} in one child per input, in `context`, and returns a map from each input
 * to its square. It gets exactly one result per child from the queue, then joins the children.
 *
 * @example
 * ```ts
 * await squares([1, 2, 3], "process"); // Map { 1 => 1, 2 => 4, 3 => 9 }
 * ```
 */
export async function squares(inputs: number[], context: ContextName): Promise<Map<number, number>> {
  // TODO: a Queue; one child per input running square(x, results); start them all; one get per
  // child, into a Map; join them all; return the Map.
  throw new Error(`TODO: squares(${JSON.stringify(inputs)}, "${context}") is not written yet`);
}

// ── 2. Arrival order is not start order ─────────────────────────────────────────────────────

/**
 * Gets exactly `count` items from `results` — each an `[index, value]` pair — and returns the
 * values, each at its index. Items after the first `count` stay on the queue.
 *
 * @example
 * ```ts
 * const results = new Queue<[number, string]>();
 * await results.put([1, "b"]);
 * await results.put([0, "a"]);
 * await collectInOrder(results, 2); // ["a", "b"]
 * ```
 */
export async function collectInOrder<T>(results: Queue<[number, T]>, count: number): Promise<T[]> {
  // TODO: exactly `count` gets; put each value at its index in an array; return the array.
  throw new Error(`TODO: collectInOrder(results, ${count}) is not written yet`);
}

/**
 * A task: puts `[index, word.length]` on `results`.
 *
 * @example
 * ```ts
 * await measureWord(2, "fig", results); // puts [2, 3]
 * ```
 */
export const measureWord = task(import.meta, async function measureWord(index: number, word: string, results: Queue<[number, number]>): Promise<void> {
  // TODO: put [index, word.length] on results.
  throw new Error(`TODO: measureWord(${index}, "${word}") is not written yet`);
});

/**
 * Measures each word in a child of its own, in `context`, and returns the lengths in the order
 * of `words`, whatever order the children finish in.
 *
 * @example
 * ```ts
 * await wordLengths(["a", "tree", "fig"], "thread"); // [1, 4, 3]
 * ```
 */
export async function wordLengths(words: string[], context: ContextName): Promise<number[]> {
  // TODO: a Queue; one child per word running measureWord(index, word, results); start them all;
  // collectInOrder(results, words.length); join them all; return the lengths.
  throw new Error(`TODO: wordLengths(${JSON.stringify(words)}, "${context}") is not written yet`);
}

// ── 3. Do not wait for ever ─────────────────────────────────────────────────────────────────

/**
 * Gets the next item of `queue`, waiting at most `ms` milliseconds; returns `undefined` if no
 * item came in that time. Any other error (a closed queue…) is thrown as it is.
 *
 * @example
 * ```ts
 * await getWithin(new Queue<number>(), 100); // undefined, after 100 ms
 * ```
 */
export async function getWithin<T>(queue: Queue<T>, ms: number): Promise<T | undefined> {
  // TODO: get with { timeout: ms }; return undefined if that throws Empty; rethrow anything else.
  throw new Error(`TODO: getWithin(queue, ${ms}) is not written yet`);
}
