/**
 * The pools the pool workloads compare — the JavaScript pool libraries and multiproc's own `Pool`
 * in both contexts — behind one small interface, each with a fixed number of workers running the
 * `square` task.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import Tinypool from "tinypool";
import workerpool from "workerpool";
import { runtime } from "@multiproc/core";
import { Pool } from "@multiproc/pool";
import { square as squareTask } from "./workers/multiproc-square.ts";

/**
 * The pools measured: the libraries, and multiproc's `Pool` with worker threads
 * (`multiproc-thread`) or worker processes (`multiproc-process`).
 *
 * @example
 * ```ts
 * const kind: PoolKind = "piscina";
 * ```
 */
export type PoolKind = "piscina" | "tinypool" | "workerpool" | "multiproc-thread" | "multiproc-process";

/**
 * The pools measured, for argument checking.
 *
 * @example
 * ```ts
 * const kind = variantOf(childInput(), poolKinds);
 * ```
 */
export const poolKinds: readonly PoolKind[] = ["piscina", "tinypool", "workerpool", "multiproc-thread", "multiproc-process"];

/**
 * A pool of workers (threads, or processes for `multiproc-process`) that square numbers.
 *
 * @example
 * ```ts
 * const pool = await openPool("tinypool", 2);
 * console.log(await pool.square(7)); // 49
 * await pool.close();
 * ```
 */
export interface SquarePool {
  /** Squares `x` in a worker: one task, one round trip. */
  square(x: number): Promise<number>;
  /**
   * Squares every item with the pool's own chunked map (`chunksize` items per task; by default
   * the pool's choice), where the pool has one: multiproc's `Pool.map`. The libraries have none.
   */
  readonly map?: (items: readonly number[], chunksize?: number) => Promise<number[]>;
  /** Stops the workers. */
  close(): Promise<void>;
}

/** How long warming a pool may take before it is declared hung. */
const warmLimitMs = 30_000;

/**
 * A pool did not start: its first tasks did not complete in time.
 *
 * @example
 * ```ts
 * throw new PoolStartError("tinypool did not finish its first 100 tasks within 30 s on deno 2.9.6");
 * ```
 */
export class PoolStartError extends Error {
  override readonly name = "PoolStartError";
}

const squareUrl = new URL("./workers/square.ts", import.meta.url);
const squareWorkerpool = fileURLToPath(new URL("./workers/square-workerpool.ts", import.meta.url));

/**
 * Opens a pool of `workers` threads with the given library, and warms it: every worker is
 * started and has run the task before this resolves.
 *
 * @param kind - which library.
 * @param workers - how many worker threads (both the minimum and the maximum).
 * @returns the pool.
 *
 * @example
 * ```ts
 * const pool = await openPool("piscina", 2);
 * ```
 */
export async function openPool(kind: PoolKind, workers: number): Promise<SquarePool> {
  let pool: SquarePool;
  switch (kind) {
    case "piscina": {
      const p = new Piscina<number, number>({ filename: squareUrl.href, minThreads: workers, maxThreads: workers });
      pool = { square: (x) => p.run(x), close: () => p.destroy() };
      break;
    }
    case "tinypool": {
      // Tinypool's default Atomics wake-up hangs on Deno 2.9 (the first task never completes);
      // with plain messages it works.
      const useAtomics = runtime.name !== "deno";
      const p = new Tinypool({ filename: squareUrl.href, minThreads: workers, maxThreads: workers, useAtomics });
      pool = { square: (x) => p.run(x) as Promise<number>, close: () => p.destroy() };
      break;
    }
    case "workerpool": {
      // On Bun, workerpool's worker_threads mode hangs (its worker takes Bun's Web Worker globals
      // for its environment and answers on the wrong channel); its Web Worker mode works.
      const workerType = runtime.name === "bun" ? "web" : "thread";
      const p = workerpool.pool(squareWorkerpool, { minWorkers: workers, maxWorkers: workers, workerType });
      pool = {
        square: (x) => Promise.resolve(p.exec("square", [x]) as PromiseLike<number>),
        close: async () => {
          await p.terminate();
        },
      };
      break;
    }
    case "multiproc-thread":
    case "multiproc-process": {
      const p = new Pool({ processes: workers, context: kind === "multiproc-thread" ? "thread" : "process" });
      pool = {
        square: (x) => p.apply(squareTask, [x]),
        map: (items, chunksize) => p.map(squareTask, items, chunksize === undefined ? {} : { chunksize }),
        close: async () => {
          p.close();
          await p.join();
        },
      };
      break;
    }
  }
  // Enough concurrent tasks that every worker starts and runs the task a few times.
  const warm = Promise.all(Array.from({ length: workers * 50 }, (_, i) => pool.square(i)));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PoolStartError(`${kind} did not finish its first ${workers * 50} tasks within ${warmLimitMs / 1000} s on ${runtime.name} ${runtime.version}`)),
      warmLimitMs,
    );
  });
  try {
    await Promise.race([warm, limit]);
  } finally {
    clearTimeout(timer);
  }
  return pool;
}
