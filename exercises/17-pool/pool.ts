/**
 * Exercise 17: pools. Read README.md first: each numbered part below is one of its tasks.
 * Replace every TODO, then run `npx pnpm@12.21.0 grade pool`.
 */
import { type ContextName, currentProcess, task } from "@multiproc/core";
import { type AsyncResult, Pool } from "@multiproc/pool";

/**
 * Waits `ms` milliseconds, then returns `ms`: a slow task, for the tests of task 4.
 *
 * @example
 * ```ts
 * pool.applyAsync(nap, [20_000]); // keeps a worker busy for 20 s
 * ```
 */
export const nap = task(import.meta, async function nap(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return ms;
});

// ── 1. map ──────────────────────────────────────────────────────────────────────────────────

/**
 * Returns `x * x`.
 *
 * @example
 * ```ts
 * square(7); // 49
 * ```
 */
export const square = task(import.meta, function square(x: number): number {
  // TODO: return x * x.
  throw new Error(`TODO: square(${x}) is not written yet`);
});

/**
 * Squares every number in a pool of 2 workers running in `context`, and returns the squares in
 * the order of the numbers. The pool is closed and joined before it returns.
 *
 * @example
 * ```ts
 * await squaresWithMap([1, 2, 3], "process"); // [1, 4, 9]
 * ```
 */
export async function squaresWithMap(numbers: number[], context: ContextName): Promise<number[]> {
  // TODO: a Pool of 2 workers in `context`; map square over the numbers; close and join the
  // pool; return the squares.
  void Pool;
  throw new Error(`TODO: squaresWithMap(${JSON.stringify(numbers)}, "${context}") is not written yet`);
}

// ── 2. applyAsync ───────────────────────────────────────────────────────────────────────────

/**
 * Submits `square(x)` to `pool` for every number, without waiting, and returns the pending
 * results in the order of the numbers.
 *
 * @example
 * ```ts
 * const pending = startSquares(pool, [7, 8]); // two AsyncResults, at once
 * ```
 */
export function startSquares(pool: Pool, numbers: number[]): AsyncResult<number>[] {
  // TODO: one pool.applyAsync(square, [x]) per number; return the AsyncResults (do not await them).
  throw new Error(`TODO: startSquares(pool, ${JSON.stringify(numbers)}) is not written yet`);
}

/**
 * Waits for every pending result and returns the values, in the same order.
 *
 * @example
 * ```ts
 * await collect(startSquares(pool, [7, 8])); // [49, 64]
 * ```
 */
export async function collect(results: AsyncResult<number>[]): Promise<number[]> {
  // TODO: await result.get() for every result; return the values in the same order.
  throw new Error(`TODO: collect(${results.length} results) is not written yet`);
}

// ── 3. Ten workers, a hundred tasks ─────────────────────────────────────────────────────────

/**
 * Returns `x * x` and the name of the process (or thread) that computed it.
 *
 * @example
 * ```ts
 * whoSquares(3); // [9, "MainProcess"] when called here; [9, "PoolWorker-1.2"] in a pool
 * ```
 */
export const whoSquares = task(import.meta, function whoSquares(x: number): [number, string] {
  // TODO: return [x * x, the name of currentProcess()].
  void currentProcess;
  throw new Error(`TODO: whoSquares(${x}) is not written yet`);
});

/**
 * Runs `whoSquares` on 0, 1, …, 99 in a pool of 10 workers in `context`, closes and joins the
 * pool, and returns the 100 squares in order and how many different workers computed them.
 *
 * @example
 * ```ts
 * await hundredTasks("thread"); // { squares: [0, 1, 4, …, 9801], workers: 10 }
 * ```
 */
export async function hundredTasks(context: ContextName): Promise<{ squares: number[]; workers: number }> {
  // TODO: a Pool of 10 workers in `context`; map whoSquares over 0 … 99; close and join;
  // return the squares and the number of different names (a Set can count them).
  throw new Error(`TODO: hundredTasks("${context}") is not written yet`);
}

// ── 4. close, join, terminate ───────────────────────────────────────────────────────────────

/**
 * The gentle end: lets the work already given to `pool` finish, then waits until its workers
 * have exited.
 *
 * @example
 * ```ts
 * await finish(pool); // every pending result is ready now
 * ```
 */
export async function finish(pool: Pool): Promise<void> {
  // TODO: close the pool, then wait for its workers with join().
  throw new Error(`TODO: finish(pool) is not written yet`);
}

/**
 * Giving up: stops the workers of `pool` now, dropping unfinished work, and waits until they
 * have exited.
 *
 * @example
 * ```ts
 * await giveUp(pool); // pending results fail with PoolStateError
 * ```
 */
export async function giveUp(pool: Pool): Promise<void> {
  // TODO: terminate the pool (that also waits for the workers to exit).
  throw new Error(`TODO: giveUp(pool) is not written yet`);
}
