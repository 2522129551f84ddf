/**
 * Exercise 12: getting results back with a queue — the reference solution.
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
  await results.put([x, x * x]);
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
  const results = new Queue<[number, number]>();
  const children = inputs.map((x) => new Process({ target: square, args: [x, results], context }));
  for (const child of children) child.start();
  const found = new Map<number, number>();
  for (let i = 0; i < inputs.length; i++) {
    const [x, y] = await results.get();
    found.set(x, y);
  }
  for (const child of children) await child.join();
  return found;
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
  const values = new Array<T>(count);
  for (let i = 0; i < count; i++) {
    const [index, value] = await results.get();
    values[index] = value;
  }
  return values;
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
  await results.put([index, word.length]);
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
  const results = new Queue<[number, number]>();
  const children = words.map((word, index) => new Process({ target: measureWord, args: [index, word, results], context }));
  for (const child of children) child.start();
  const lengths = await collectInOrder(results, words.length);
  for (const child of children) await child.join();
  return lengths;
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
  try {
    return await queue.get({ timeout: ms });
  } catch (error) {
    if (error instanceof Empty) return undefined;
    throw error;
  }
}
