/**
 * `AsyncResult`: the handle `applyAsync` and `mapAsync` return (Python's
 * `multiprocessing.pool.AsyncResult`).
 *
 * @module
 */
import { TimeoutError } from "./errors.ts";

/**
 * The result of a task that runs in the pool: wait for it, or ask whether it is ready.
 *
 * @typeParam T - the result's type.
 *
 * @example
 * ```ts
 * const r = pool.applyAsync(square, [7]);
 * console.log(r.ready()); // false, most likely
 * console.log(await r.get({ timeout: 5_000 })); // 49
 * console.log(r.successful()); // true
 * ```
 */
export class AsyncResult<T> implements PromiseLike<T> {
  readonly #promise: Promise<T>;
  #state: "pending" | "fulfilled" | "rejected" = "pending";

  /** @internal */
  constructor(promise: Promise<T>) {
    this.#promise = promise;
    promise.then(
      () => (this.#state = "fulfilled"),
      () => (this.#state = "rejected"),
    );
  }

  /**
   * Waits for the result and returns it, or throws the task's error.
   *
   * @param options - `timeout` in ms: throw {@link TimeoutError} if the result is not ready by then
   *   (the task goes on running).
   * @returns the result.
   */
  async get(options: { timeout?: number } = {}): Promise<T> {
    if (options.timeout === undefined) return this.#promise;
    if (!(await this.wait(options))) throw new TimeoutError(`the result was not ready within ${options.timeout} ms`);
    return this.#promise;
  }

  /**
   * Waits until the result is ready, or `timeout` ms pass.
   *
   * @param options - `timeout` in ms (negative acts as 0).
   * @returns whether the result is ready.
   */
  async wait(options: { timeout?: number } = {}): Promise<boolean> {
    const settled = this.#promise.then(
      () => true,
      () => true,
    );
    if (options.timeout === undefined) return settled;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, options.timeout!));
    });
    try {
      return await Promise.race([settled, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Whether the task has finished (successfully or not).
   *
   * @returns true once the result is ready.
   */
  ready(): boolean {
    return this.#state !== "pending";
  }

  /**
   * Whether the task finished without an error.
   *
   * @returns true if it succeeded.
   * @throws Error if the result is not ready yet (as in Python).
   */
  successful(): boolean {
    if (this.#state === "pending") throw new Error("the result is not ready: call successful() after it is ready (await wait())");
    return this.#state === "fulfilled";
  }

  /**
   * Lets `await asyncResult` work like `await asyncResult.get()`.
   *
   * @param onfulfilled - as for a promise.
   * @param onrejected - as for a promise.
   * @returns a promise.
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#promise.then(onfulfilled, onrejected);
  }
}
