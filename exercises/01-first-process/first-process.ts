/**
 * Exercise 1: your first process. Read README.md first: each numbered part below is one of
 * its tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade first-process`.
 */
import { type ContextName, Process, task } from "@multiproc/core";

// ── 1. The child's work ─────────────────────────────────────────────────────────────────────

/**
 * Waits `ms` milliseconds, then returns. This is the work the children of this exercise do.
 *
 * It is wrapped in `task(import.meta, …)` and exported, so that a child can find it: a child
 * imports this file and looks the task up by its name, `nap`.
 *
 * @example
 * ```ts
 * await nap(100); // here, in this process: returns after 100 ms
 * new Process({ target: nap, args: [100], context: "process" }); // in a child
 * ```
 */
export const nap = task(import.meta, async function nap(ms: number): Promise<void> {
  // TODO: wait `ms` milliseconds, then return (a Promise that setTimeout resolves).
  throw new Error(`TODO: nap(${ms}) is not written yet`);
});

// ── 2. Start a child ────────────────────────────────────────────────────────────────────────

/**
 * Starts a child that runs `nap(ms)` in `context`, and returns it at once, without waiting for
 * it to end.
 *
 * @example
 * ```ts
 * const child = startNap(300, "process");
 * child.isAlive(); // true: it is still napping
 * await child.join();
 * ```
 */
export function startNap(ms: number, context: ContextName): Process<[number]> {
  // TODO: create a Process whose target is `nap`, with args [ms] and the given context;
  // start it, and return it.
  throw new Error(`TODO: startNap(${ms}, "${context}") is not written yet`);
}

// ── 3. Wait for it ──────────────────────────────────────────────────────────────────────────

/**
 * Runs `nap(ms)` in a child in `context`, waits until the child has ended, and returns the
 * child's exit code.
 *
 * @example
 * ```ts
 * await napAndWait(300, "thread"); // 0, after at least 300 ms
 * ```
 */
export async function napAndWait(ms: number, context: ContextName): Promise<number | null> {
  // TODO: start a child (you can use startNap), wait for it with join(), return its exitCode.
  throw new Error(`TODO: napAndWait(${ms}, "${context}") is not written yet`);
}

// ── 4. Exit codes ───────────────────────────────────────────────────────────────────────────

/**
 * Checks an age: returns normally when `age` is a whole number from 0 to 150, and throws a
 * `RangeError` otherwise.
 *
 * @example
 * ```ts
 * checkAge(42); // returns
 * checkAge(-1); // throws a RangeError
 * ```
 */
export const checkAge = task(import.meta, function checkAge(age: number): void {
  // TODO: throw new RangeError(…) unless age is a whole number (Number.isInteger) from 0 to 150.
  throw new Error(`TODO: checkAge(${age}) is not written yet`);
});

/**
 * Runs `checkAge(age)` in a child in `context` and tells, from the child's exit code alone,
 * whether the age is valid.
 *
 * @example
 * ```ts
 * await isValidAgeInChild(42, "process"); // true
 * await isValidAgeInChild(-1, "process"); // false
 * ```
 */
export async function isValidAgeInChild(age: number, context: ContextName): Promise<boolean> {
  // TODO: run checkAge(age) in a child, join it, and return whether its exit code is 0.
  throw new Error(`TODO: isValidAgeInChild(${age}, "${context}") is not written yet`);
}
