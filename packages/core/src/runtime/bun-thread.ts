/// <reference types="bun" />
/**
 * Worker threads on Bun's own `Worker` (the web one, which Bun extends with `workerData`,
 * `threadId`, `ref()`/`unref()` and the exit code on its `close` event). Bun's `node:worker_threads`
 * `Worker` wraps the same thread, but starting one through it costs more: measured (8 starts each,
 * medians), a worker that imports the library and posts a message back was ready in 13 ms through
 * the web `Worker` and 23 ms through `node:worker_threads`. Inside the thread nothing changes: the
 * child uses `node:worker_threads` (`workerData`, `threadId`), which Bun provides in web workers
 * too.
 *
 * @internal
 * @module
 */
import type { ExitStatus, ThreadChild } from "./adapter.ts";

/**
 * Starts `entry` as a worker thread with `workerData`, moving the `transfer` buffers into it. An
 * error the worker does not catch goes to `onError` (and is not reported again by Bun in this
 * thread); the worker then ends with code 1.
 *
 * @example
 * ```ts
 * const child = startBunThread(new URL("./child.ts", import.meta.url), { n: 1 }, console.error);
 * console.log((await child.exited).code);
 * ```
 */
export function startBunThread(entry: URL, workerData: unknown, onError: (error: unknown) => void, transfer: ArrayBuffer[] = []): ThreadChild {
  const worker = new Worker(entry, { workerData, transferList: transfer } as WorkerOptions);
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    onError((event as ErrorEvent).error ?? new Error((event as ErrorEvent).message));
  });
  let ended = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    worker.addEventListener("close", (event) => {
      ended = true;
      resolve({ code: (event as CloseEvent).code, signal: null });
    });
  });
  return {
    threadId: worker.threadId,
    exited,
    terminate: () => worker.terminate(),
    ref: () => {
      if (!ended) worker.ref();
    },
    unref: () => {
      if (!ended) worker.unref();
    },
  };
}
