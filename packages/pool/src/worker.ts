/**
 * The loop every pool worker runs: optional initializer, then jobs from its own queue until it
 * gets `null` or reaches `maxTasksPerChild`. A job is a chunk of items for one task; the worker
 * answers with the chunk's results, or the first error, on the pool's result queue.
 *
 * @internal
 * @module
 */
import { isTask, task, type Task } from "@multiproc/core";
import { allPostsWritten, resolveTaskFunction } from "@multiproc/core/internal";
import type { Queue } from "@multiproc/ipc";

/**
 * A chunk of work: call the task (by module URL and name) on each item, spread when `star`.
 * Messages are tuples, and the task travels as its two names rather than as a task handle: the
 * envelope is encoded and decoded once per job, which for `apply` is most of the cost. A chunk
 * of numbers travels as a `Float64Array` (see `numbers.ts`).
 */
export type Job = readonly [id: number, moduleUrl: string, name: string, star: boolean, items: Items];

/**
 * A chunk's items: any values, or numbers only, packed.
 *
 * @example
 * ```ts
 * const items: Items = packNumbers([1, 2, 3]) ?? [1, 2, 3];
 * ```
 */
export type Items = unknown[] | Float64Array;

/**
 * A worker's answer: the chunk's results (packed when the items were packed and every result is
 * a number), or the first error.
 */
export type Answer = readonly [id: number, worker: number, ok: true, value: Items] | readonly [id: number, worker: number, ok: false, error: unknown];

/** The job message for `fn`. */
export function jobMessage(id: number, fn: Task<unknown[], unknown>, star: boolean, items: Items): Job {
  return [id, fn.moduleUrl, fn.name, star, items];
}

type Fn = (...args: unknown[]) => unknown;

/** This worker's task functions by `moduleUrl name` (a URL has no spaces). */
const tasks = new Map<string, Fn>();

/** The function a job names: from the cache, or imported once (a promise then). */
function taskOf(job: Job): Fn | Promise<Fn> {
  const key = `${job[1]} ${job[2]}`;
  const known = tasks.get(key);
  if (known !== undefined) return known;
  return resolveTaskFunction({ moduleUrl: job[1], name: job[2] }).then((fn) => {
    tasks.set(key, fn);
    return fn;
  });
}

/** Calls the task on one item (an argument list when `star`). */
function call(fn: Fn, star: boolean, item: unknown): unknown {
  return star ? fn(...(item as unknown[])) : fn(item);
}

/** Runs a job's items in order (see `runItems`), numbers to numbers while the results are numbers. */
function runJob(fn: Fn, star: boolean, items: Items): Items | Promise<unknown[]> {
  if (!star && items instanceof Float64Array) return runNumbers(fn, items);
  return runItems(fn, star, items, new Array<unknown>(items.length), 0);
}

/**
 * Numbers in, numbers out: the results go straight into a `Float64Array`, which the codec sends
 * as one block of bytes, as the items came. From the first result that is not a number on, the
 * results are collected as values (see `runItems`).
 */
function runNumbers(fn: Fn, items: Float64Array): Items | Promise<unknown[]> {
  const out = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const r = fn(items[i]);
    if (typeof r !== "number") {
      const results: unknown[] = Array.from(out.subarray(0, i));
      if (r instanceof Promise) return finishAsync(fn, false, items, results, i, r);
      results[i] = r;
      return runItems(fn, false, items, results, i + 1);
    }
    out[i] = r;
  }
  return out;
}

/**
 * Runs items `from` on into `results`. Synchronous while the task returns plain values; from the
 * first promise (an async task) on, each result is awaited before the next item starts.
 */
function runItems(fn: Fn, star: boolean, items: Items, results: unknown[], from: number): unknown[] | Promise<unknown[]> {
  for (let i = from; i < items.length; i++) {
    const r = call(fn, star, items[i]);
    if (r instanceof Promise) return finishAsync(fn, star, items, results, i, r);
    results[i] = r;
  }
  return results;
}

async function finishAsync(fn: Fn, star: boolean, items: Items, results: unknown[], from: number, pending: Promise<unknown>): Promise<unknown[]> {
  results[from] = await pending;
  for (let i = from + 1; i < items.length; i++) {
    const r = call(fn, star, items[i]);
    results[i] = r instanceof Promise ? await r : r;
  }
  return results;
}

/** The worker loop. */
export const poolWorker = task(
  import.meta,
  async function poolWorker(
    worker: number,
    jobs: Queue<Job | null>,
    answers: Queue<Answer>,
    initializer: Task<unknown[], unknown> | null,
    initargs: unknown[],
    maxTasks: number,
  ): Promise<void> {
    if (initializer !== null && isTask(initializer)) await initializer(...initargs);
    for (let done = 0; maxTasks === 0 || done < maxTasks; done++) {
      const job = await jobs.get();
      if (job === null) return;
      const id = job[0];
      let answer: Answer;
      try {
        let fn = taskOf(job);
        if (fn instanceof Promise) fn = await fn;
        let value = runJob(fn, job[3], job[4]);
        if (value instanceof Promise) value = await value;
        answer = [id, worker, true, value];
      } catch (error) {
        answer = [id, worker, false, error];
      }
      try {
        await answers.put(answer);
      } catch (error) {
        // A result that cannot be sent (a function, say) fails that job, not the worker.
        await answers.put([id, worker, false, error]);
      }
      // What the job handed over to other processes (its answer too, from another process) reaches
      // them even if this worker dies during its next job: nothing a finished job put is lost,
      // and the pool knows that the next job is the one that was running (see `Pool#exited`).
      await allPostsWritten();
    }
  },
);
