/**
 * `Pool`: Python's `multiprocessing.Pool` for both contexts — and safe where CPython's is not: a
 * worker that dies mid-task fails that task with {@link WorkerLostError} and is replaced, instead
 * of hanging the pool.
 *
 * @module
 */
import { cpuCount, isTask, Process, TaskError, type ContextLike, type Task } from "@multiproc/core";
import { Empty, Queue } from "@multiproc/ipc";
import { packNumbers, peerFinished } from "@multiproc/core/internal";
import { onGivenBack, setSpinBeforePark, takeAllAhead, takeOneAtATime } from "@multiproc/ipc/internal";
import { AsyncResult } from "./async-result.ts";
import { checkChunksize, chunksOf, defaultChunksize } from "./chunks.ts";
import { PoolStateError, RemoteTraceback, TimeoutError, WorkerLostError } from "./errors.ts";
import { JobQueue } from "./job-queue.ts";
import { PACK_MIN, placeResults } from "./numbers.ts";
import { jobMessage, poolWorker, type Answer, type Items, type Job } from "./worker.ts";

/** Options of a new pool. */
export interface PoolOptions {
  /** How many workers: a positive integer; by default `cpuCount()`. */
  processes?: number;
  /** A task each worker runs once, with `initargs`, before its first task. */
  initializer?: Task<never[], unknown>;
  /** The initializer's arguments. */
  initargs?: unknown[];
  /** Replace a worker after it has run this many chunks of work (a positive integer). */
  maxTasksPerChild?: number;
  /** How workers run: `"process"` (default context) or `"thread"`. */
  context?: ContextLike;
}

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call: queued work is dropped; running work has its worker killed and replaced. */
  signal?: AbortSignal;
  /** The longest a chunk of this call may run (ms); its worker is then killed and replaced. */
  timeout?: number;
}

/** Options of the `map` family. */
export interface MapOptions extends CallOptions {
  /** Items sent to a worker at a time; by default about four chunks per worker (`map`) or 1 (`imap`). */
  chunksize?: number;
}

/** Options of `applyAsync` / `mapAsync`. */
export interface AsyncOptions<T> extends CallOptions {
  /** Called with the result when it is ready. A callback that throws does not break the pool. */
  callback?: (result: T) => void;
  /** Called with the error if the task fails. */
  errorCallback?: (error: unknown) => void;
}

interface PendingJob {
  readonly id: number;
  readonly fn: Task<unknown[], unknown>;
  readonly items: Items;
  readonly star: boolean;
  readonly options: CallOptions;
  resolve(values: Items): void;
  reject(error: unknown): void;
  worker?: WorkerSlot;
  timer?: ReturnType<typeof setTimeout>;
  failure?: unknown;
}

interface WorkerSlot {
  readonly process: Pick<Process, "kill" | "terminate" | "sentinel" | "join" | "pid" | "name">;
  readonly jobs: Queue<Job | null>;
  readonly inFlight: Set<PendingJob>;
  dispatched: number;
  /** Whether the worker receives its jobs in batches (a worker in another process). */
  readonly batched: boolean;
}

/**
 * Jobs a worker has at once: the one it runs and three queued behind it, so that it starts the
 * next as soon as it has sent an answer, instead of idling for a round trip through the parent.
 * When a worker dies, the jobs still in its queue never started: they go back to the front of the
 * pool's queue, and only the job it was running fails. When a worker is idle and nothing is
 * pending, jobs queued behind a running one move to it (see `#rebalance`).
 */
const PREFETCH = 4;

/**
 * Jobs of one item each (`applyAsync`, `map` with chunksize 1) a worker may have at once. A
 * worker runs four tiny tasks before the parent has sent the next, finds its queue empty, parks,
 * and must then be woken for every job (a futex wake: 10–250 µs here, where the task takes a
 * microsecond). Measured, `map` of a square over 100,000 items with chunksize 1 and 2 workers
 * (thread context, 3–4 alternating runs): Node 21.0 k items/s with 4, 27.5 k with 16, 33.6 k with
 * 64; Bun 22.0 / 27.6 / 31.4 (32) / 28.5 (64); Deno 21.0 / 27.5 / 30.8 (32) / 33.7 (64).
 */
const PREFETCH_SINGLES = 32;
let poolCounter = 0;

/**
 * How long the pool waits, when a worker process has died, for its socket to be read to the end
 * (milliseconds; it takes a few).
 */
const PEER_FINISH_MS = 5000;

/** Whether `promise` settles within `ms` milliseconds. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function checkFn(fn: unknown, method: string): Task<unknown[], unknown> {
  if (!isTask(fn)) {
    throw new TaskError(
      `pool.${method}(fn): fn must be a task made with task(import.meta, function name(…) {…}) at the top level of a module, so that workers can import it`,
    );
  }
  return fn as Task<unknown[], unknown>;
}

/** Keeps the error's class and message, and adds the worker's stack as its cause. */
function withRemoteTraceback(error: unknown): unknown {
  if (error instanceof Error && error.cause === undefined && typeof error.stack === "string") {
    Object.defineProperty(error, "cause", { value: new RemoteTraceback(error.stack), configurable: true, writable: true });
  }
  return error;
}

/** Whether a job must run alone on its worker (see `Pool#accepts`). */
function exclusive(job: PendingJob): boolean {
  return job.options.timeout !== undefined || job.options.signal !== undefined;
}

/**
 * Every item of the input. Arrays and other sync iterables are read directly (an `await` per item
 * costs a third of a large map). Items that are promises are the caller's to await (see
 * `hasPromise`), as `for await` would.
 */
function readAll(input: Iterable<unknown> | AsyncIterable<unknown>): unknown[] | Promise<unknown[]> {
  if (input === null || (typeof input !== "object" && typeof input !== "string")) {
    throw new TypeError(`the input must be an iterable or async iterable, not ${input === null ? "null" : typeof input}`);
  }
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] !== "function") return readAsync(input as AsyncIterable<unknown>);
  return Array.isArray(input) ? input : Array.from(input as Iterable<unknown>);
}

async function readAsync(input: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of input) items.push(item);
  return items;
}

/** Whether any item is a thenable (a plain loop: `some` with a closure costs a large map ~2 ms). */
function hasPromise(items: readonly unknown[]): boolean {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if ((typeof x === "object" && x !== null) || typeof x === "function") {
      if (typeof (x as PromiseLike<unknown>).then === "function") return true;
    }
  }
  return false;
}

function reportCallbackError(error: unknown): void {
  console.error("multiproc: a pool callback threw (the pool goes on):", error);
}

/**
 * A pool of worker processes (or threads) that run tasks (Python's `multiprocessing.Pool`).
 *
 * Results come back in input order from `map`/`starmap`/`imap`, in completion order from
 * `imapUnordered`. `map` fails fast: it rejects with the first error as soon as a chunk fails
 * (as Python's does); the other chunks still run, and their results are dropped.
 *
 * `await using pool = new Pool()` closes the pool and waits for the workers at the end of the
 * block. Python's `with Pool()` terminates instead; closing is the gentler choice for `await`, and
 * `terminate()` is there when you want it.
 *
 * When a worker dies (killed, `process.exit`, out of memory), the task it was running fails with
 * {@link WorkerLostError} and the worker is replaced. The tasks queued for it that it had not
 * started run on another worker, and what the tasks it finished put on queues reaches them.
 *
 * @example
 * ```ts
 * import { isMain, task } from "@multiproc/core";
 * import { Pool } from "@multiproc/pool";
 *
 * export const square = task(import.meta, function square(x: number) {
 *   return x * x;
 * });
 *
 * if (isMain(import.meta)) {
 *   await using pool = new Pool({ processes: 4 });
 *   console.log(await pool.map(square, [1, 2, 3, 4])); // [1, 4, 9, 16]
 * }
 * ```
 */
export class Pool implements AsyncDisposable {
  readonly #size: number;
  readonly #initializer: Task<never[], unknown> | null;
  readonly #initargs: unknown[];
  readonly #maxTasks: number;
  readonly #context: ContextLike | undefined;
  readonly #name: number = ++poolCounter;
  readonly #workers = new Set<WorkerSlot>();
  readonly #pending = new JobQueue<PendingJob>();
  readonly #inFlight = new Map<number, PendingJob>();
  readonly #answers = new Queue<Answer>();
  readonly #exits = new Set<Promise<unknown>>();
  #state: "run" | "close" | "terminate" = "run";
  #nextJob = 1;
  #nextWorker = 1;
  #pumping = false;
  /** Taking a queued job back from a busy worker for an idle one (see `#rebalance`). */
  #rebalancing: Promise<void> | undefined;
  #sentStop = false;
  /** The cores of this machine (see `#spinOnlyWithACoreToSpare`). */
  readonly #cores = cpuCount();
  /** Whether the pool's queues let their gets spin before they park. */
  #spinning = true;

  /**
   * Starts the workers.
   *
   * @param options - size, initializer, maxTasksPerChild, context.
   * @throws RangeError for a size or maxTasksPerChild that is not a positive integer.
   * @throws TaskError if the initializer is not a task.
   */
  constructor(options: PoolOptions = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("new Pool(options): options must be an object");
    const size = options.processes ?? cpuCount();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`processes must be a positive integer, not ${String(options.processes)}`);
    const max = options.maxTasksPerChild;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new RangeError(`maxTasksPerChild must be a positive integer, not ${String(max)}`);
    }
    if (options.initializer !== undefined && !isTask(options.initializer)) {
      throw new TaskError("initializer must be a task made with task(import.meta, function name(…) {…}) at the top level of a module");
    }
    if (options.initargs !== undefined && !Array.isArray(options.initargs)) throw new TypeError("initargs must be an array");
    this.#size = size;
    this.#initializer = options.initializer ?? null;
    this.#initargs = options.initargs ?? [];
    this.#maxTasks = max ?? 0;
    this.#context = options.context;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  #spawn(): void {
    // A worker in another process receives its jobs in batches, all that wait for it, and asks
    // for the next while it runs these: one request for many, where one per job cost the pool a
    // socket write each. A worker thread reads them from shared memory, one at a time. Either
    // way, a dying worker's unanswered jobs are known (see `#exited`).
    const jobs = new Queue<Job | null>();
    const process = new Process({
      target: poolWorker,
      args: [this.#nextWorker++, jobs, this.#answers, this.#initializer as Task<unknown[], unknown> | null, this.#initargs, this.#maxTasks],
      name: `PoolWorker-${this.#name}.${this.#nextWorker - 1}`,
      daemon: true,
      context: this.#context,
    });
    // The queue is sent at start(): it can still be made to give one job at a time.
    const batched = process.context === "process";
    if (batched) takeAllAhead(jobs);
    else takeOneAtATime(jobs);
    // Jobs a busy worker received ahead come back when it does not start them soon (see
    // `#rebalance`).
    onGivenBack(jobs, () => this.#dispatch());
    setSpinBeforePark(jobs, this.#spinning);
    const slot: WorkerSlot = { process, jobs, inFlight: new Set(), dispatched: 0, batched };
    process.start();
    this.#workers.add(slot);
    const exit = process.sentinel.then((code) => this.#exited(slot, code));
    this.#exits.add(exit);
    void exit.finally(() => this.#exits.delete(exit));
  }

  async #exited(slot: WorkerSlot, code: number): Promise<void> {
    this.#workers.delete(slot);
    // A job being taken back from this worker's queue is the rebalancing's to requeue.
    if (this.#rebalancing !== undefined) await this.#rebalancing;
    // Every answer it handed over is in the answers queue once its socket has been read to the
    // end: the exit can be seen before that. (A worker thread's answers are in shared memory.)
    // Should that take longer than it ever does, the jobs it took all count as started.
    const pid = slot.process.pid;
    let answersIn = true;
    if (slot.batched && slot.inFlight.size > 0 && pid !== undefined) answersIn = await settlesWithin(peerFinished(pid), PEER_FINISH_MS);
    if (slot.inFlight.size > 0) await this.#settleWaiting();
    const untaken = await this.#untaken(slot);
    const requeue: PendingJob[] = [];
    // The jobs it took, it took in order and ran one at a time, and it handed each answer to the
    // system before it started the next job (see the worker): of those still unanswered, only the
    // first had started. The others it had received ahead, and never started.
    let runningSeen = false;
    for (const job of slot.inFlight) {
      const taken = !untaken.has(job.id);
      const started = taken && (!runningSeen || !answersIn);
      if (taken) runningSeen = true;
      if (!started && job.failure === undefined && this.#state !== "terminate") {
        this.#inFlight.delete(job.id);
        slot.dispatched--;
        job.worker = undefined;
        requeue.push(job);
        continue;
      }
      this.#inFlight.delete(job.id);
      clearTimeout(job.timer);
      const signal = code < 0 ? ({ 9: "SIGKILL", 15: "SIGTERM", 6: "SIGABRT", 11: "SIGSEGV" } as Record<number, string>)[-code] ?? null : null;
      job.reject(job.failure ?? (this.#state === "terminate" ? new PoolStateError("the pool was terminated") : new WorkerLostError(code, signal)));
    }
    slot.inFlight.clear();
    this.#pending.unshiftAll(requeue);
    if (this.#state !== "terminate" && (this.#state === "run" || this.#pending.length > 0)) this.#spawn();
    this.#dispatch();
  }

  /** The ids of the jobs still in a dead worker's queue: it never took them, so they never started. */
  async #untaken(slot: WorkerSlot): Promise<Set<number>> {
    const ids = new Set<number>();
    if (slot.inFlight.size === 0) return ids;
    try {
      for (;;) {
        const job = await slot.jobs.getNowait();
        if (job !== null) ids.add(job[0]);
      }
    } catch {
      // Empty: all read. Anything else: the jobs not read count as started, and fail.
    }
    return ids;
  }

  /**
   * Whether `slot` may take `job` now. A job with a timeout or an abort signal only goes to an
   * idle worker, and nothing queues behind it: its clock starts when it starts, and cancelling it
   * kills only its own worker.
   */
  #accepts(slot: WorkerSlot, job: PendingJob): boolean {
    if (this.#maxTasks !== 0 && slot.dispatched >= this.#maxTasks) return false;
    const n = slot.inFlight.size;
    if (n === 0) return true;
    if (exclusive(job) || n >= (job.items.length === 1 ? PREFETCH_SINGLES : PREFETCH)) return false;
    // A job with a timeout or a signal runs alone (see `exclusive`): it is a worker's only job.
    return n > 1 || !exclusive(slot.inFlight.values().next().value!);
  }

  #checkRunning(method: string): void {
    if (this.#state !== "run") throw new PoolStateError(`pool.${method}(): the pool is ${this.#state === "close" ? "closed" : "terminated"}`);
  }

  /** Queues a chunk; settles with its results. */
  #submit(fn: Task<unknown[], unknown>, items: Items, star: boolean, options: CallOptions): Promise<Items> {
    return new Promise((resolve, reject) => {
      const job: PendingJob = { id: this.#nextJob++, fn, items, star, options, resolve, reject };
      if (options.signal?.aborted) return reject(options.signal.reason ?? new PoolStateError("the call was cancelled"));
      options.signal?.addEventListener("abort", () => this.#abort(job), { once: true });
      this.#pending.push(job);
      this.#dispatch();
    });
  }

  #abort(job: PendingJob): void {
    const reason = job.options.signal?.reason ?? new PoolStateError("the call was cancelled");
    if (this.#pending.remove(job)) {
      job.reject(reason);
    } else if (job.worker !== undefined && this.#inFlight.has(job.id)) {
      job.failure = reason;
      job.worker.process.kill();
    }
  }

  #dispatch(): void {
    // Idle workers first, then the queues behind running jobs. (Runs twice per task: on the way
    // in and on the way out. Nothing here allocates unless there is something to do.)
    if (this.#pending.length > 0) this.#fill();
    this.#rebalance();
    if (this.#inFlight.size > 0 && !this.#pumping) void this.#pump();
    this.#spinOnlyWithACoreToSpare();
    this.#maybeStop();
  }

  /**
   * Lets a worker waiting for its next job, and this thread waiting for an answer, spin briefly
   * before they park (waking a parked thread costs 10–250 µs) only while fewer jobs are in flight
   * than there are cores: then a spinning thread has a core of its own. With more work in flight,
   * a spinning thread takes the core of a thread with work to do: measured on 2 cores (Node), a
   * `map` with chunksize 1 ran ~15 % faster without spinning, and sequential `apply` (one job in
   * flight) ~30 % slower.
   */
  #spinOnlyWithACoreToSpare(): void {
    const spin = this.#inFlight.size < this.#cores;
    if (spin === this.#spinning) return;
    this.#spinning = spin;
    setSpinBeforePark(this.#answers, spin);
    for (const slot of this.#workers) setSpinBeforePark(slot.jobs, spin);
  }

  /**
   * When nothing is pending, a worker is idle and another has a job queued behind its running
   * one, takes that job back and gives it to the idle worker: a short job must not wait behind a
   * long one while a worker has nothing to do. Taking it from the queue is atomic: either the
   * busy worker already took it, or it never will. A worker in another process may have received
   * it ahead: then it gives it back if it does not start it within a few milliseconds (once its
   * event loop is free: not during a job that never awaits), and this runs again (see
   * `onGivenBack`).
   */
  #rebalance(): void {
    if (this.#rebalancing !== undefined || this.#pending.length > 0 || this.#state === "terminate") return;
    let idle = false;
    // A worker with a job queued behind the one it runs (the fullest one).
    let busy: WorkerSlot | undefined;
    for (const w of this.#workers) {
      const n = w.inFlight.size;
      if (n === 0 && (this.#maxTasks === 0 || w.dispatched < this.#maxTasks)) idle = true;
      else if (n >= 2 && (busy === undefined || n > busy.inFlight.size)) busy = w;
    }
    if (!idle || busy === undefined) return;
    this.#rebalancing = (async () => {
      let taken: Job | null;
      try {
        taken = await busy.jobs.getNowait();
      } catch {
        // Empty: the worker took it meanwhile (it runs it, or has just answered the job before).
        // No retry until the next answer, submit or exit calls #dispatch: retrying at once would
        // spin on promises and starve the answers that end this state.
        return false;
      }
      if (taken === null) {
        void busy.jobs.put(null); // a stop request is not work: it goes back
        return false;
      }
      const job = this.#inFlight.get(taken[0]);
      if (job === undefined) return false;
      this.#inFlight.delete(job.id);
      busy.inFlight.delete(job);
      busy.dispatched--;
      job.worker = undefined;
      this.#pending.unshiftAll([job]);
      return true;
    })().then((moved) => {
      this.#rebalancing = undefined;
      if (moved) this.#dispatch();
    });
  }

  /**
   * Gives the jobs at the front of the queue to the workers, one at a time, each to the worker
   * with the fewest jobs that accepts it: idle workers first, and the queues behind running jobs
   * kept even (a worker that may queue 32 tiny jobs does not take them all while others idle).
   */
  #fill(): void {
    for (;;) {
      const job = this.#pending.peek();
      if (job === undefined) return;
      let best: WorkerSlot | undefined;
      for (const w of this.#workers) {
        if ((best === undefined || w.inFlight.size < best.inFlight.size) && this.#accepts(w, job)) best = w;
      }
      if (best === undefined) return;
      const slot = best;
      this.#pending.shift();
      slot.dispatched++;
      job.worker = slot;
      slot.inFlight.add(job);
      this.#inFlight.set(job.id, job);
      slot.jobs.put(jobMessage(job.id, job.fn, job.star, job.items)).catch((error: unknown) => {
        // The job could not be sent (an argument that cannot be serialised): it fails alone.
        slot.inFlight.delete(job);
        this.#inFlight.delete(job.id);
        slot.dispatched--;
        job.reject(error);
        this.#dispatch();
      });
      if (job.options.timeout !== undefined) {
        job.timer = setTimeout(() => {
          job.failure = new TimeoutError(`the task ran longer than its timeout of ${job.options.timeout} ms; its worker was killed and replaced`);
          slot.process.kill();
        }, Math.max(0, job.options.timeout));
      }
    }
  }

  /** Reads answers while work is in flight. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#inFlight.size > 0) {
        let answer: Answer;
        try {
          answer = await this.#answers.get({ timeout: 1000 });
        } catch (error) {
          if (error instanceof Empty) continue;
          throw error;
        }
        if (this.#settle(answer)) this.#dispatch();
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Settles the job an answer is for; false if it was settled already. */
  #settle(answer: Answer): boolean {
    const job = this.#inFlight.get(answer[0]);
    if (job === undefined) return false;
    this.#inFlight.delete(answer[0]);
    job.worker?.inFlight.delete(job);
    clearTimeout(job.timer);
    if (answer[2]) job.resolve(answer[3]);
    else job.reject(withRemoteTraceback(answer[3]));
    return true;
  }

  /**
   * Settles every answer already in the queue. A worker's answers are there before its exit is
   * seen (a put completes before the worker goes on), but the pump may not have read them yet: a
   * worker that ended after its last task (maxTasksPerChild) must not have that task counted lost.
   */
  async #settleWaiting(): Promise<void> {
    for (;;) {
      let answer: Answer;
      try {
        answer = await this.#answers.getNowait();
      } catch {
        return; // Empty (or a queue in trouble: the pump will say so)
      }
      this.#settle(answer);
    }
  }

  /** After close(), once all work is done, tells the workers to stop. */
  #maybeStop(): void {
    if (this.#state !== "close" || this.#sentStop || this.#pending.length > 0 || this.#inFlight.size > 0) return;
    this.#sentStop = true;
    for (const slot of this.#workers) void slot.jobs.put(null);
  }

  #run(fn: Task<unknown[], unknown>, items: Items, star: boolean, options: CallOptions): Promise<Items> {
    return this.#submit(fn, items, star, options);
  }

  /**
   * Runs `fn(...args)` in a worker and returns its result (Python's `apply`).
   *
   * @param fn - a task.
   * @param args - its arguments.
   * @param options - `signal`, `timeout`.
   * @returns the result.
   */
  async apply<A extends unknown[], R>(fn: Task<A, R>, args: A = [] as unknown as A, options: CallOptions = {}): Promise<Awaited<R>> {
    this.#checkRunning("apply");
    const [value] = await this.#run(checkFn(fn, "apply"), [args], true, options);
    return value as Awaited<R>;
  }

  /**
   * Runs `fn(...args)` in a worker and returns an {@link AsyncResult} at once (Python's
   * `apply_async`).
   *
   * @param fn - a task.
   * @param args - its arguments.
   * @param options - `callback`, `errorCallback`, `signal`, `timeout`.
   * @returns the pending result.
   */
  applyAsync<A extends unknown[], R>(fn: Task<A, R>, args: A = [] as unknown as A, options: AsyncOptions<Awaited<R>> = {}): AsyncResult<Awaited<R>> {
    this.#checkRunning("applyAsync");
    const task = checkFn(fn, "applyAsync");
    return this.#withCallbacks(
      this.#run(task, [args], true, options).then(([v]) => v as Awaited<R>),
      options,
    );
  }

  #withCallbacks<T>(promise: Promise<T>, options: AsyncOptions<T>): AsyncResult<T> {
    promise.then(
      (value) => {
        try {
          options.callback?.(value);
        } catch (error) {
          reportCallbackError(error);
        }
      },
      (error: unknown) => {
        try {
          options.errorCallback?.(error);
        } catch (e) {
          reportCallbackError(e);
        }
      },
    );
    return new AsyncResult(promise);
  }

  async #mapAll(fn: Task<unknown[], unknown>, input: Iterable<unknown> | AsyncIterable<unknown>, star: boolean, options: MapOptions): Promise<unknown[]> {
    const read = readAll(input);
    const all = read instanceof Promise ? await read : read;
    const size = checkChunksize(options.chunksize) ?? defaultChunksize(all.length, this.#size);
    const packed = !star && size >= PACK_MIN ? packNumbers(all) : undefined;
    const items = packed ?? (hasPromise(all) ? await Promise.all(all) : all);
    const out = new Array<unknown>(items.length);
    const placed: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += size) {
      // A packed chunk is a view (the codec copies its bytes when the job is sent); an array's is a copy.
      const chunk = items instanceof Float64Array ? items.subarray(i, i + size) : items.slice(i, i + size);
      placed.push(this.#run(fn, chunk, star, options).then((results) => placeResults(out, i, results)));
    }
    await Promise.all(placed);
    return out;
  }

  /**
   * Calls `fn` on every item, in the workers, and returns the results in input order (Python's
   * `map`). The input is read in full first (to choose the chunk size); use {@link Pool.imap} for
   * long or endless inputs.
   *
   * @param fn - a task of one argument.
   * @param input - the items (any iterable or async iterable).
   * @param options - `chunksize`, `signal`, `timeout`.
   * @returns the results.
   */
  async map<T, R>(fn: Task<[T], R>, input: Iterable<T> | AsyncIterable<T>, options: MapOptions = {}): Promise<Awaited<R>[]> {
    this.#checkRunning("map");
    return (await this.#mapAll(checkFn(fn, "map"), input, false, options)) as Awaited<R>[];
  }

  /**
   * `map`, returning an {@link AsyncResult} at once (Python's `map_async`).
   *
   * @param fn - a task of one argument.
   * @param input - the items.
   * @param options - `chunksize`, `callback`, `errorCallback`, `signal`, `timeout`.
   * @returns the pending results.
   */
  mapAsync<T, R>(fn: Task<[T], R>, input: Iterable<T> | AsyncIterable<T>, options: MapOptions & AsyncOptions<Awaited<R>[]> = {}): AsyncResult<Awaited<R>[]> {
    this.#checkRunning("mapAsync");
    const task = checkFn(fn, "mapAsync");
    return this.#withCallbacks(this.#mapAll(task, input, false, options) as Promise<Awaited<R>[]>, options);
  }

  /**
   * Like `map`, with each item an argument list: `fn(...item)` (Python's `starmap`).
   *
   * @param fn - a task.
   * @param input - the argument lists.
   * @param options - `chunksize`, `signal`, `timeout`.
   * @returns the results.
   */
  async starmap<A extends unknown[], R>(fn: Task<A, R>, input: Iterable<A> | AsyncIterable<A>, options: MapOptions = {}): Promise<Awaited<R>[]> {
    this.#checkRunning("starmap");
    return (await this.#mapAll(checkFn(fn, "starmap"), input, true, options)) as Awaited<R>[];
  }

  /**
   * `starmap`, returning an {@link AsyncResult} at once.
   *
   * @param fn - a task.
   * @param input - the argument lists.
   * @param options - `chunksize`, `callback`, `errorCallback`, `signal`, `timeout`.
   * @returns the pending results.
   */
  starmapAsync<A extends unknown[], R>(fn: Task<A, R>, input: Iterable<A> | AsyncIterable<A>, options: MapOptions & AsyncOptions<Awaited<R>[]> = {}): AsyncResult<Awaited<R>[]> {
    this.#checkRunning("starmapAsync");
    const task = checkFn(fn, "starmapAsync");
    return this.#withCallbacks(this.#mapAll(task, input, true, options) as Promise<Awaited<R>[]>, options);
  }

  /**
   * Calls `fn` on every item and yields the results in input order, reading the input lazily: a
   * generator of ten million items is never held in memory (Python's `imap`).
   *
   * @param fn - a task of one argument.
   * @param input - the items.
   * @param options - `chunksize` (default 1), `signal`, `timeout`.
   * @returns an async iterator of results.
   */
  imap<T, R>(fn: Task<[T], R>, input: Iterable<T> | AsyncIterable<T>, options: MapOptions = {}): AsyncGenerator<Awaited<R>> {
    this.#checkRunning("imap");
    return this.#lazy(checkFn(fn, "imap"), input, options, true) as AsyncGenerator<Awaited<R>>;
  }

  /**
   * Like `imap`, yielding results as they complete (Python's `imap_unordered`).
   *
   * @param fn - a task of one argument.
   * @param input - the items.
   * @param options - `chunksize` (default 1), `signal`, `timeout`.
   * @returns an async iterator of results.
   */
  imapUnordered<T, R>(fn: Task<[T], R>, input: Iterable<T> | AsyncIterable<T>, options: MapOptions = {}): AsyncGenerator<Awaited<R>> {
    this.#checkRunning("imapUnordered");
    return this.#lazy(checkFn(fn, "imapUnordered"), input, options, false) as AsyncGenerator<Awaited<R>>;
  }

  async *#lazy(fn: Task<unknown[], unknown>, input: Iterable<unknown> | AsyncIterable<unknown>, options: MapOptions, ordered: boolean): AsyncGenerator<unknown> {
    const size = checkChunksize(options.chunksize) ?? 1;
    const window = this.#size * PREFETCH * 2;
    const source = chunksOf(input, size);
    // Each chunk in flight is the promise of its results.
    const inFlight: Promise<Items>[] = [];
    // Unordered: the chunks that settled, in the order they did. (A `Promise.race` over every
    // chunk in flight, made again for each result, added a reaction to each of them every time.)
    const settled: Promise<Items>[] = [];
    let wake: (() => void) | undefined;
    let exhausted = false;
    let inputError: { error: unknown } | undefined;
    const fill = async (): Promise<void> => {
      while (!exhausted && inFlight.length < window) {
        let next: IteratorResult<unknown[]>;
        try {
          next = await source.next();
        } catch (error) {
          // Results for the items before the failing one are still yielded, then this is thrown.
          inputError = { error };
          exhausted = true;
          return;
        }
        if (next.done === true) {
          exhausted = true;
          return;
        }
        const items = size >= PACK_MIN ? (packNumbers(next.value) ?? next.value) : next.value;
        const chunk = this.#run(fn, items, false, options);
        // Handled here: a failure is thrown when its chunk's turn comes (or never, once the
        // consumer has stopped).
        if (ordered) chunk.catch(() => {});
        else {
          const arrived = (): void => {
            settled.push(chunk);
            wake?.();
          };
          chunk.then(arrived, arrived);
        }
        inFlight.push(chunk);
      }
    };
    await fill();
    while (inFlight.length > 0) {
      if (!ordered) {
        while (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const chunk = ordered ? inFlight[0]! : settled.shift()!;
      const values = await chunk;
      inFlight.splice(inFlight.indexOf(chunk), 1);
      await fill();
      yield* values;
    }
    if (inputError !== undefined) throw inputError.error;
  }

  /** Stops accepting work: queued and running work completes, then the workers exit. */
  close(): void {
    if (this.#state === "run") this.#state = "close";
    this.#maybeStop();
  }

  /**
   * Stops the workers now: queued and running work fails with {@link PoolStateError}.
   *
   * @returns when the workers have exited.
   */
  async terminate(): Promise<void> {
    this.#state = "terminate";
    for (const job of this.#pending.drain()) job.reject(new PoolStateError("the pool was terminated"));
    for (const slot of this.#workers) slot.process.terminate();
    await this.join();
  }

  /**
   * Waits for the workers to exit. Call `close()` or `terminate()` first.
   *
   * @throws PoolStateError if the pool is still running.
   */
  async join(): Promise<void> {
    if (this.#state === "run") throw new PoolStateError("pool.join(): call close() or terminate() first");
    // Joining the workers (not just awaiting their exit) keeps this program alive meanwhile.
    while (this.#exits.size > 0) await Promise.all([...[...this.#workers].map((w) => w.process.join()), ...this.#exits]);
  }

  /**
   * `await using pool = new Pool()`: closes the pool and waits for its workers.
   *
   * @returns when the workers have exited.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }
}
