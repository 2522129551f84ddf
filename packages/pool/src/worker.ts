/**
 * The loop every pool worker runs: optional initializer, then jobs from its own queue until it
 * gets `null` or reaches `maxTasksPerChild`. A job is a chunk of items for one task; the worker
 * answers with the chunk's results, or the first error, on the pool's result queue.
 *
 * @internal
 * @module
 */
import { isTask, task, type Task } from "@multiproc/core";
import { resolveTask } from "@multiproc/core/internal";
import type { Queue } from "@multiproc/ipc";

/**
 * A chunk of work: call the task (by module URL and name) on each item, spread when `star`.
 * Messages are tuples, and the task travels as its two names rather than as a task handle: the
 * envelope is encoded and decoded once per job, which for `apply` is most of the cost.
 */
export type Job = readonly [id: number, moduleUrl: string, name: string, star: boolean, items: unknown[]];

/** A worker's answer: the chunk's results, or the first error. */
export type Answer = readonly [id: number, worker: number, ok: true, value: unknown[]] | readonly [id: number, worker: number, ok: false, error: unknown];

/** The job message for `fn`. */
export function jobMessage(id: number, fn: Task<unknown[], unknown>, star: boolean, items: unknown[]): Job {
  return [id, fn.moduleUrl, fn.name, star, items];
}

/** This worker's tasks by `moduleUrl name` (a URL has no spaces). */
const tasks = new Map<string, Task<unknown[], unknown>>();

/** The task a job names: from the cache, or imported once (a promise then). */
function taskOf(job: Job): Task<unknown[], unknown> | Promise<Task<unknown[], unknown>> {
  const key = `${job[1]} ${job[2]}`;
  const known = tasks.get(key);
  if (known !== undefined) return known;
  return resolveTask({ moduleUrl: job[1], name: job[2] }).then((t) => {
    tasks.set(key, t);
    return t;
  });
}

/** Calls the task on one item (an argument list when `star`). */
function call(fn: Task<unknown[], unknown>, star: boolean, item: unknown): unknown {
  return star ? fn(...(item as unknown[])) : fn(item);
}

/**
 * Runs a job's items in order. Synchronous while the task returns plain values; from the first
 * promise (an async task) on, each result is awaited before the next item starts.
 */
function runJob(fn: Task<unknown[], unknown>, star: boolean, items: unknown[]): unknown[] | Promise<unknown[]> {
  const results = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    const r = call(fn, star, items[i]);
    if (r instanceof Promise) return finishAsync(fn, star, items, results, i, r);
    results[i] = r;
  }
  return results;
}

async function finishAsync(
  fn: Task<unknown[], unknown>,
  star: boolean,
  items: unknown[],
  results: unknown[],
  from: number,
  pending: Promise<unknown>,
): Promise<unknown[]> {
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
    }
  },
);
