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

async function runJob(job: Job): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const item of job.items) {
    const r = job.star ? job.fn(...(item as unknown[])) : job.fn(item);
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
