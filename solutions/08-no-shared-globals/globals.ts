/**
 * Exercise 8: globals are not shared — the reference solution.
 */
import { type ContextName, Process, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

// ── 1. The shared-list pitfall ──────────────────────────────────────────────────────────────

/**
 * A list at the top level of this file, meant to collect squares. (Given.) Every process that
 * loads this file gets a list of its own, starting empty.
 *
 * @example
 * ```ts
 * results.push(4); // changes this process's list only
 * ```
 */
export const results: number[] = [];

/**
 * A task: pushes `x * x` onto `results`, then puts a copy of `results` — as the process running
 * it sees the list — on `seen`.
 *
 * @example
 * ```ts
 * await addSquare(3, seen); // results gets 9; seen gets a copy of results
 * ```
 */
export const addSquare = task(import.meta, async function addSquare(x: number, seen: Queue<number[]>): Promise<void> {
  results.push(x * x);
  await seen.put([...results]);
});

/**
 * Runs `addSquare(x, seen)` in one child per element of `xs`, all at the same time, in
 * `context`; joins them, and returns what each child saw (sorted by its first element) and a
 * copy of this process's `results` afterwards.
 *
 * @example
 * ```ts
 * await squaresIntoGlobal([2, 3], "process"); // { childrenSaw: [[4], [9]], resultsHere: [] }
 * ```
 */
export async function squaresIntoGlobal(xs: number[], context: ContextName): Promise<{ childrenSaw: number[][]; resultsHere: number[] }> {
  const seen = new Queue<number[]>();
  const children = xs.map((x) => new Process({ target: addSquare, args: [x, seen], context }));
  for (const child of children) child.start();
  const childrenSaw: number[][] = [];
  for (let i = 0; i < xs.length; i++) childrenSaw.push(await seen.get());
  for (const child of children) await child.join();
  childrenSaw.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
  return { childrenSaw, resultsHere: [...results] };
}

// ── 2. A global set before start() ──────────────────────────────────────────────────────────

/**
 * The unit of length, a setting at the top level of this file. (Given.) `"cm"` whenever a process
 * loads the file.
 *
 * @example
 * ```ts
 * setUnit("in");
 * unit; // "in", in this process only
 * ```
 */
export let unit = "cm";

/**
 * Changes `unit` in the process that calls it. (Given.)
 *
 * @example
 * ```ts
 * setUnit("mm");
 * ```
 */
export function setUnit(newUnit: string): void {
  unit = newUnit;
}

/**
 * A task: puts `unit`, as the process running it sees it, on `out`.
 *
 * @example
 * ```ts
 * await reportUnit(out); // out gets "cm" unless this process changed unit
 * ```
 */
export const reportUnit = task(import.meta, async function reportUnit(out: Queue<string>): Promise<void> {
  await out.put(unit);
});

/**
 * Sets `unit` to `newUnit` here, then runs `reportUnit` in a child in `context`, and returns
 * the unit the child reported.
 *
 * @example
 * ```ts
 * await unitSeenByChild("in", "thread"); // "cm": the child never saw the change
 * ```
 */
export async function unitSeenByChild(newUnit: string, context: ContextName): Promise<string> {
  setUnit(newUnit);
  const out = new Queue<string>();
  const child = new Process({ target: reportUnit, args: [out], context });
  child.start();
  const seen = await out.get();
  await child.join();
  return seen;
}

/**
 * A task: puts the unit it is given on `out`.
 *
 * @example
 * ```ts
 * await reportGivenUnit("in", out); // out gets "in"
 * ```
 */
export const reportGivenUnit = task(import.meta, async function reportGivenUnit(givenUnit: string, out: Queue<string>): Promise<void> {
  await out.put(givenUnit);
});

/**
 * Runs `reportGivenUnit(newUnit, out)` in a child in `context`, and returns the unit the child
 * reported. It does not change `unit`.
 *
 * @example
 * ```ts
 * await unitPassedToChild("in", "process"); // "in"
 * ```
 */
export async function unitPassedToChild(newUnit: string, context: ContextName): Promise<string> {
  const out = new Queue<string>();
  const child = new Process({ target: reportGivenUnit, args: [newUnit, out], context });
  child.start();
  const seen = await out.get();
  await child.join();
  return seen;
}

// ── 3. Send the results back ────────────────────────────────────────────────────────────────

/**
 * A task: puts `[index, x * x]` on `out`.
 *
 * @example
 * ```ts
 * await squareAt(1, 3, out); // out gets [1, 9]
 * ```
 */
export const squareAt = task(import.meta, async function squareAt(index: number, x: number, out: Queue<[number, number]>): Promise<void> {
  await out.put([index, x * x]);
});

/**
 * Works out the square of every element of `xs`, each in its own child in `context`, all at the
 * same time, and returns the squares in the order of `xs`.
 *
 * @example
 * ```ts
 * await squaresViaQueue([3, 1, 2], "process"); // [9, 1, 4]
 * ```
 */
export async function squaresViaQueue(xs: number[], context: ContextName): Promise<number[]> {
  const out = new Queue<[number, number]>();
  const children = xs.map((x, index) => new Process({ target: squareAt, args: [index, x, out], context }));
  for (const child of children) child.start();
  const squares: number[] = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const [index, square] = await out.get();
    squares[index] = square;
  }
  for (const child of children) await child.join();
  return squares;
}
