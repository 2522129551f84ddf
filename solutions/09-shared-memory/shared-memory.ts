/**
 * Exercise 9: shared memory with `Value` and `Array` — the reference solution.
 */
import { Array, type ContextName, Process, RawValue, Value, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

// ── 1. A shared counter ─────────────────────────────────────────────────────────────────────

/**
 * A task: adds 1 to `counter`, `times` times, each time with `update()` (which holds the
 * counter's lock while it reads and writes).
 *
 * @example
 * ```ts
 * const counter = new Value("i", 5);
 * await addOnes(counter, 3);
 * await counter.get(); // 8
 * ```
 */
export const addOnes = task(import.meta, async function addOnes(counter: Value<"i">, times: number): Promise<void> {
  for (let k = 0; k < times; k++) await counter.update((n) => n + 1);
});

/**
 * Creates a shared counter (typecode `"i"`, starting at 0), runs `addOnes(counter, times)` in
 * `children` children at the same time in `context`, joins them, and returns the counter's value.
 *
 * @example
 * ```ts
 * await countInChildren(2, 50, "process"); // 100
 * ```
 */
export async function countInChildren(children: number, times: number, context: ContextName): Promise<number> {
  const counter = new Value("i", 0);
  const started: Process<[Value<"i">, number]>[] = [];
  for (let k = 0; k < children; k++) started.push(new Process({ target: addOnes, args: [counter, times], context }));
  for (const child of started) child.start();
  for (const child of started) await child.join();
  return counter.get();
}

// ── 2. A shared array ───────────────────────────────────────────────────────────────────────

/**
 * A task: writes `i * i` into every element `i` of `squares` from `first` on, in steps of
 * `step` (`first`, `first + step`, `first + 2 * step`, …).
 *
 * @example
 * ```ts
 * const squares = new Array("i", 6);
 * await fillSquares(squares, 1, 2); // elements 1, 3 and 5
 * await squares.toArray(); // [0, 1, 0, 9, 0, 25]
 * ```
 */
export const fillSquares = task(import.meta, async function fillSquares(squares: Array<"i">, first: number, step: number): Promise<void> {
  for (let i = first; i < squares.length; i += step) await squares.set(i, i * i);
});

/**
 * Creates a shared array of `n` ints, fills it with squares using two children in `context`
 * (one for the even elements, one for the odd ones), and returns its elements.
 *
 * @example
 * ```ts
 * await squaresInChildren(6, "thread"); // [0, 1, 4, 9, 16, 25]
 * ```
 */
export async function squaresInChildren(n: number, context: ContextName): Promise<number[]> {
  const squares = new Array("i", n);
  const children = [0, 1].map((first) => new Process({ target: fillSquares, args: [squares, first, 2], context }));
  for (const child of children) child.start();
  for (const child of children) await child.join();
  return squares.toArray();
}

// ── 3. The right typecode ───────────────────────────────────────────────────────────────────

/**
 * A task: works out the mean of the elements of `numbers` and writes it into `mean`.
 *
 * @example
 * ```ts
 * const mean = new Value("d", 0);
 * await average(new Array("i", [1, 2]), mean);
 * await mean.get(); // 1.5
 * ```
 */
export const average = task(import.meta, async function average(numbers: Array<"i">, mean: Value<"d">): Promise<void> {
  const values = await numbers.toArray();
  await mean.set(values.reduce((sum, x) => sum + x, 0) / values.length);
});

/**
 * Puts `values` into a shared array of ints, has a child in `context` work out their mean into
 * a shared `Value` that can hold a fraction, and returns that mean.
 *
 * @example
 * ```ts
 * await averageInChild([1, 2, 4], "process"); // 2.3333333333333335
 * ```
 */
export async function averageInChild(values: number[], context: ContextName): Promise<number> {
  const numbers = new Array("i", values);
  const mean = new Value("d", 0);
  const child = new Process({ target: average, args: [numbers, mean], context });
  child.start();
  await child.join();
  return mean.get();
}

// ── 4. Thread or process: two ways to read ──────────────────────────────────────────────────

/**
 * How a child could read a shared value: with `await get()`, and with the synchronous `.value`.
 *
 * @example
 * ```ts
 * const r: TwoReads = { viaGet: 7, viaValue: "TypeError" };
 * ```
 */
export interface TwoReads {
  /** What `await flag.get()` read. */
  viaGet: number;
  /** What `flag.value` read, or `"TypeError"` if reading it threw a `TypeError`. */
  viaValue: number | "TypeError";
}

/**
 * A task: reads `flag` both ways and puts a `TwoReads` on `out`.
 *
 * @example
 * ```ts
 * await readTwoWays(new RawValue("i", 7), out); // here: { viaGet: 7, viaValue: 7 }
 * ```
 */
export const readTwoWays = task(import.meta, async function readTwoWays(flag: RawValue<"i">, out: Queue<TwoReads>): Promise<void> {
  const viaGet = await flag.get();
  let viaValue: number | "TypeError";
  try {
    viaValue = flag.value;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    viaValue = "TypeError";
  }
  await out.put({ viaGet, viaValue });
});

/**
 * Creates a `RawValue` of typecode `"i"` holding `n`, runs `readTwoWays` on it in a child in
 * `context`, and returns what the child read.
 *
 * @example
 * ```ts
 * await readInChild(7, "thread"); // { viaGet: 7, viaValue: 7 }
 * await readInChild(7, "process"); // { viaGet: 7, viaValue: "TypeError" }
 * ```
 */
export async function readInChild(n: number, context: ContextName): Promise<TwoReads> {
  const flag = new RawValue("i", n);
  const out = new Queue<TwoReads>();
  const child = new Process({ target: readTwoWays, args: [flag, out], context });
  child.start();
  const reads = await out.get();
  await child.join();
  return reads;
}
