/**
 * Exercise 10: race conditions and locks — the reference solution.
 */
import { Barrier, type ContextName, Lock, Process, Value, task } from "@multiproc/core";

// ── 1. Read, then write ─────────────────────────────────────────────────────────────────────

/**
 * A task: adds `amount` to `balance` in two steps — it reads the balance, then writes the new
 * one. Alone, it is correct; next to another depositor, it can lose an update.
 *
 * @example
 * ```ts
 * const balance = new Value("i", 100);
 * await deposit(balance, 50);
 * await balance.get(); // 150
 * ```
 */
export const deposit = task(import.meta, async function deposit(balance: Value<"i">, amount: number): Promise<void> {
  const now = await balance.get();
  await balance.set(now + amount);
});

// ── 2. Lose an update, every time ───────────────────────────────────────────────────────────

/**
 * A task: like {@link deposit}, but between its read and its write it waits at `bothRead`, a
 * barrier for two: it writes only once both depositors have read the old balance.
 *
 * @example
 * ```ts
 * const balance = new Value("i", 100);
 * await depositAfterBoth(balance, 50, new Barrier(1)); // a barrier for one: no waiting
 * await balance.get(); // 150
 * ```
 */
export const depositAfterBoth = task(import.meta, async function depositAfterBoth(balance: Value<"i">, amount: number, bothRead: Barrier): Promise<void> {
  const now = await balance.get();
  await bothRead.wait();
  await balance.set(now + amount);
});

/**
 * Starts a balance at `start`, runs two children in `context` that deposit `first` and `second`
 * with {@link depositAfterBoth} (sharing one barrier for two), waits for both, and returns the
 * final balance: always `start + first` or `start + second`, never the sum of all three.
 *
 * @example
 * ```ts
 * await raceTwoDeposits(100, 50, 30, "process"); // 150 or 130, never 180
 * ```
 */
export async function raceTwoDeposits(start: number, first: number, second: number, context: ContextName): Promise<number> {
  const balance = new Value("i", start);
  const bothRead = new Barrier(2);
  const children = [first, second].map((amount) => new Process({ target: depositAfterBoth, args: [balance, amount, bothRead], context }));
  for (const child of children) child.start();
  for (const child of children) await child.join();
  return balance.get();
}

// ── 3. Lock the read and the write together ─────────────────────────────────────────────────

/**
 * A task: deposits `amount` into `balance`, `times` times; each deposit's read and write happen
 * while it holds `lock`, so that no other depositor can read or write in between.
 *
 * @example
 * ```ts
 * const balance = new Value("i", 0);
 * await depositLocked(balance, new Lock(), 5, 3);
 * await balance.get(); // 15
 * ```
 */
export const depositLocked = task(import.meta, async function depositLocked(balance: Value<"i">, lock: Lock, amount: number, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await lock.withLock(() => deposit(balance, amount));
  }
});

/**
 * Starts a balance at 0 and one lock, runs `depositors` children in `context` that each deposit
 * 1, `times` times, with {@link depositLocked}, waits for all of them, and returns the final
 * balance: always `depositors × times`.
 *
 * @example
 * ```ts
 * await lockedDeposits(2, 40, "thread"); // 80
 * ```
 */
export async function lockedDeposits(depositors: number, times: number, context: ContextName): Promise<number> {
  const balance = new Value("i", 0);
  const lock = new Lock();
  const children = Array.from({ length: depositors }, () => new Process({ target: depositLocked, args: [balance, lock, 1, times], context }));
  for (const child of children) child.start();
  for (const child of children) await child.join();
  return balance.get();
}

// ── 4. The built-in way: update() ───────────────────────────────────────────────────────────

/**
 * A task: deposits `amount` into `balance`, `times` times, each with `balance.update(…)`, which
 * reads and writes while holding the value's own lock.
 *
 * @example
 * ```ts
 * const balance = new Value("i", 0);
 * await depositWithUpdate(balance, 5, 3);
 * await balance.get(); // 15
 * ```
 */
export const depositWithUpdate = task(import.meta, async function depositWithUpdate(balance: Value<"i">, amount: number, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await balance.update((now) => now + amount);
  }
});
