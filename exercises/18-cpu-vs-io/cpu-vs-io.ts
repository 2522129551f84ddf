/**
 * Exercise 18: CPU-bound and I/O-bound work. Read README.md first: each numbered part below is
 * one of its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade cpu-vs-io`.
 */
import { type ContextName, currentProcess, task } from "@multiproc/core";
import { Pool } from "@multiproc/pool";

// ── Given ───────────────────────────────────────────────────────────────────────────────────

/**
 * CPU-bound work: counts the primes below `n` by trial division. It never waits for anything:
 * it keeps a processor busy until it returns.
 *
 * @example
 * ```ts
 * countPrimes(100); // 25
 * ```
 */
export function countPrimes(n: number): number {
  let count = 0;
  for (let k = 2; k < n; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) {
      if (k % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * I/O-bound work, simulated: waits `ms` milliseconds without using a processor, as a program
 * waits for the network or the disk.
 *
 * @example
 * ```ts
 * await pause(100);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Counts how many waits are in progress at the same time, and the most there ever were.
 *
 * @example
 * ```ts
 * const inFlight = new InFlight();
 * await Promise.all([inFlight.wait(50), inFlight.wait(50)]);
 * inFlight.most; // 2
 * ```
 */
export class InFlight {
  /** How many waits are in progress now. */
  now = 0;
  /** The most waits that were in progress at once. */
  most = 0;

  /**
   * Waits `ms` milliseconds with `pause`, counted.
   *
   * @param ms - how long.
   * @example
   * ```ts
   * await inFlight.wait(50);
   * ```
   */
  async wait(ms: number): Promise<void> {
    this.now++;
    this.most = Math.max(this.most, this.now);
    try {
      await pause(ms);
    } finally {
      this.now--;
    }
  }
}

// ── 1. One thread, one thing at a time ──────────────────────────────────────────────────────

/**
 * When one `countPrimes` call ran, in `performance.now()` milliseconds, and what it found.
 *
 * @example
 * ```ts
 * const span: Span = { count: 25, start: 1200.5, end: 1200.6 };
 * ```
 */
export interface Span {
  /** The number of primes. */
  count: number;
  /** When the call started. */
  start: number;
  /** When it returned. */
  end: number;
}

/**
 * Starts one async function per job with `Promise.all`; each records `performance.now()`, runs
 * `countPrimes(n)`, records `performance.now()` again, and returns its `Span`. Returns the
 * spans in job order.
 *
 * @example
 * ```ts
 * const spans = await countAllAsync([50_000, 50_000]);
 * spans[1].start >= spans[0].end; // true: one after the other
 * ```
 */
export async function countAllAsync(jobs: number[]): Promise<Span[]> {
  // TODO: Promise.all over one async function per job: start = performance.now(),
  // count = countPrimes(n), end = performance.now(); return { count, start, end }.
  throw new Error(`TODO: countAllAsync(${JSON.stringify(jobs)}) is not written yet`);
}

// ── 2. A pool for CPU-bound work ────────────────────────────────────────────────────────────

/**
 * `countPrimes(n)` as a task, which also says who ran it: `[count, name of the process]`.
 *
 * @example
 * ```ts
 * countPrimesTask(100); // [25, "MainProcess"] here; [25, "PoolWorker-1.2"] in a pool
 * ```
 */
export const countPrimesTask = task(import.meta, function countPrimesTask(n: number): [number, string] {
  // TODO: return [countPrimes(n), the name of currentProcess()].
  void currentProcess;
  throw new Error(`TODO: countPrimesTask(${n}) is not written yet`);
});

/**
 * What `comparePoolToSerial` measured.
 *
 * @example
 * ```ts
 * const c: Comparison = await comparePoolToSerial([150_000, 150_000], "process");
 * console.log(`speed-up ${(c.serialMs / c.poolMs).toFixed(1)}x with ${c.workers} workers`);
 * ```
 */
export interface Comparison {
  /** The counts, computed one after another in this thread. */
  serial: number[];
  /** The same counts, computed by the pool. */
  parallel: number[];
  /** How long the serial run took, in ms. */
  serialMs: number;
  /** How long the pool took, in ms (without starting it). */
  poolMs: number;
  /** How many different workers of the pool did the work. */
  workers: number;
}

/**
 * Counts the primes of every job twice — one after another in this thread, then with `map` in a
 * pool of 2 workers in `context`, started and warmed up before the clock starts — and returns
 * the results, the times and how many workers took part.
 *
 * @example
 * ```ts
 * const c = await comparePoolToSerial([150_000, 150_000, 150_000, 150_000], "process");
 * console.log(`speed-up ${(c.serialMs / c.poolMs).toFixed(1)}x`); // about 2x on 2 idle CPUs
 * ```
 */
export async function comparePoolToSerial(jobs: number[], context: ContextName): Promise<Comparison> {
  // TODO: 1. time countPrimes on every job, here, one after another (serial, serialMs);
  // 2. a Pool of 2 workers in `context`; warm it up with pool.map(countPrimesTask, [10, 10]);
  // 3. time pool.map(countPrimesTask, jobs) (parallel, poolMs; workers: different names);
  // 4. close and join the pool; return everything.
  void Pool;
  throw new Error(`TODO: comparePoolToSerial(${JSON.stringify(jobs)}, "${context}") is not written yet`);
}

// ── 3. Waiting needs no extra processes ─────────────────────────────────────────────────────

/**
 * What a run of waits measured.
 *
 * @example
 * ```ts
 * const report: WaitReport = await waitAllAtOnce(10, 50); // { elapsedMs: about 50, mostAtOnce: 10 }
 * ```
 */
export interface WaitReport {
  /** How long all the waits took together, in ms. */
  elapsedMs: number;
  /** The most waits that were in progress at once. */
  mostAtOnce: number;
}

/**
 * Waits `ms` milliseconds `n` times, one wait after the other, counted with one `InFlight`.
 *
 * @example
 * ```ts
 * await waitOneByOne(3, 50); // { elapsedMs: ≥ 150, mostAtOnce: 1 }
 * ```
 */
export async function waitOneByOne(n: number, ms: number): Promise<WaitReport> {
  // TODO: one InFlight; note performance.now(); `await inFlight.wait(ms)` n times in a loop;
  // return the time it took and inFlight.most.
  throw new Error(`TODO: waitOneByOne(${n}, ${ms}) is not written yet`);
}

/**
 * Starts `n` waits of `ms` milliseconds at once in this thread, counted with one `InFlight`,
 * and waits for all of them with `Promise.all`.
 *
 * @example
 * ```ts
 * await waitAllAtOnce(10, 50); // { elapsedMs: about 50, mostAtOnce: 10 }
 * ```
 */
export async function waitAllAtOnce(n: number, ms: number): Promise<WaitReport> {
  // TODO: as waitOneByOne, but start the n waits first and await them all with Promise.all.
  throw new Error(`TODO: waitAllAtOnce(${n}, ${ms}) is not written yet`);
}
