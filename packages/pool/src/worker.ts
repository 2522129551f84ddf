/**
 * The loop every pool worker runs: optional initializer, then jobs from its own queue until it
 * gets `null` or reaches `maxTasksPerChild`. A job is a chunk of items for one task; the worker
 * answers with the chunk's results, or the first error, on the pool's result queue.
 *
 * @internal
 * @module
 */
import { isTask, task, type Task } from "@multiproc/core";
import type { Queue } from "@multiproc/ipc";

/** A chunk of work: call `fn` on each item (spread when `star`). */
export interface Job {
  /** The chunk's id at the pool. */
  readonly id: number;
  /** The task. */
  readonly fn: Task<unknown[], unknown>;
  /** The items (each an argument list when `star`). */
  readonly items: unknown[];
  /** Whether each item is an argument list. */
  readonly star: boolean;
}

/** A worker's answer. */
export type Answer =
  | { readonly id: number; readonly worker: number; readonly ok: true; readonly value: unknown[] }
  | { readonly id: number; readonly worker: number; readonly ok: false; readonly error: unknown };

/**
 * Runs a job's items in order. Synchronous while the task returns plain values; from the first
 * promise (an async task) on, each result is awaited before the next item starts.
 */
function runJob(job: Job): unknown[] | Promise<unknown[]> {
  const { fn, items, star } = job;
  const results: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
    if (r instanceof Promise) return finishAsync(job, results, i, r);
    results.push(r);
  }
  return results;
}

async function finishAsync(job: Job, results: unknown[], from: number, pending: Promise<unknown>): Promise<unknown[]> {
  const { fn, items, star } = job;
  results.push(await pending);
  for (let i = from + 1; i < items.length; i++) {
    const r = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
    results.push(r instanceof Promise ? await r : r);
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
      let answer: Answer;
      try {
        answer = { id: job.id, worker, ok: true, value: await runJob(job) };
      } catch (error) {
        answer = { id: job.id, worker, ok: false, error };
      }
      try {
        await answers.put(answer);
      } catch (error) {
        // A result that cannot be sent (a function, say) fails that job, not the worker.
        await answers.put({ id: job.id, worker, ok: false, error });
      }
    }
  },
);
