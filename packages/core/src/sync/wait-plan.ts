/**
 * Waiting algorithms written once for both ways of waiting. A primitive's algorithm (acquire a
 * semaphore, wait on a condition, pass a barrier) is a generator — a *plan* — that yields the
 * cell it wants to wait on (or a call it wants made, such as a barrier's action); {@link runPlan}
 * carries it out with `Atomics.waitAsync` for the portable async API, and {@link runPlanSync}
 * with `Atomics.wait` for the thread-only `…Sync` methods. The portable method and its sync twin
 * therefore cannot drift apart.
 *
 * @internal
 * @module
 */
import { waitChange, waitChangeSync } from "./futex.ts";

/** Wait until `cells[index]` may have changed from `expected`, or `until` (see `futex.ts`) passes. */
export interface WaitStep {
  /** The shared memory to wait on. */
  readonly cells: Int32Array;
  /** The cell. */
  readonly index: number;
  /** The value the plan saw there. */
  readonly expected: number;
  /** The deadline, from `deadline()`; `Infinity` for none. */
  readonly until: number;
}

/** Call a function and resume with its result (awaited by {@link runPlan}), or with its error thrown in. */
export interface CallStep {
  /** What to call. */
  readonly call: () => unknown;
}

/**
 * A waiting algorithm. A `WaitStep` resumes with `true` if the cell may have changed, `false` on
 * timeout (spurious wake-ups are possible: plans re-check their state); a `CallStep` resumes with
 * the call's result.
 */
export type WaitPlan<T> = Generator<WaitStep | CallStep, T, unknown>;

function isCall(step: WaitStep | CallStep): step is CallStep {
  return "call" in step;
}

/** Carries out a plan without blocking the event loop. */
export async function runPlan<T>(plan: WaitPlan<T>): Promise<T> {
  let next = plan.next();
  while (!next.done) {
    const step = next.value;
    if (isCall(step)) {
      let result: unknown;
      try {
        result = await step.call();
      } catch (error) {
        next = plan.throw(error);
        continue;
      }
      next = plan.next(result);
    } else {
      next = plan.next(await waitChange(step.cells, step.index, step.expected, step.until));
    }
  }
  return next.value;
}

/** Carries out a plan synchronously, blocking the calling thread while it waits. */
export function runPlanSync<T>(plan: WaitPlan<T>): T {
  let next = plan.next();
  while (!next.done) {
    const step = next.value;
    if (isCall(step)) {
      // The sync methods never plan calls (Barrier.waitSync refuses a barrier with an action).
      next = plan.throw(new TypeError("a synchronous wait cannot run asynchronous work; use the async method"));
    } else {
      next = plan.next(waitChangeSync(step.cells, step.index, step.expected, step.until));
    }
  }
  return next.value;
}
