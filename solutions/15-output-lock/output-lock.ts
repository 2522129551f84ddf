/**
 * Exercise 15: locks for output — the reference solution.
 */
import { appendFileSync } from "node:fs";
import { type ContextName, Lock, Process, task } from "@multiproc/core";

// ── Given: printing to a file ───────────────────────────────────────────────────────────────

/**
 * Prints one line: appends `text` and a newline to `file` in one write, as `console.log` writes
 * one line to the terminal. The exercise prints to a file so that the tests can read what was
 * printed, and in which order.
 *
 * @example
 * ```ts
 * printLine("/tmp/out.txt", "A: line 1 of 3");
 * ```
 */
export function printLine(file: string, text: string): void {
  appendFileSync(file, `${text}\n`);
}

/**
 * Waits `ms` milliseconds. A printer pauses between its lines, which gives other printers the
 * chance to cut in.
 *
 * @example
 * ```ts
 * await pause(5);
 * ```
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Line `i` of a report of `lines` lines printed by `name`.
 *
 * @example
 * ```ts
 * reportLine("A", 1, 3); // "A: line 1 of 3"
 * ```
 */
export function reportLine(name: string, i: number, lines: number): string {
  return `${name}: line ${i} of ${lines}`;
}

// ── 1. Print a report ───────────────────────────────────────────────────────────────────────

/**
 * Prints the report of `name` to `file`: lines 1 to `lines`, one `printLine` each, with
 * `await pause(5)` after each line.
 *
 * @example
 * ```ts
 * await printReport("/tmp/out.txt", "A", 2); // "A: line 1 of 2", "A: line 2 of 2"
 * ```
 */
export const printReport = task(import.meta, async function printReport(file: string, name: string, lines: number): Promise<void> {
  for (let i = 1; i <= lines; i++) {
    printLine(file, reportLine(name, i, lines));
    await pause(5);
  }
});

// ── 2. A lock around the report ─────────────────────────────────────────────────────────────

/**
 * Prints the same report as `printReport`, holding `printLock` from its first line to its last,
 * so that nobody who uses the same lock prints in between.
 *
 * @example
 * ```ts
 * const printLock = new Lock();
 * await printReportLocked(printLock, "/tmp/out.txt", "A", 3);
 * ```
 */
export const printReportLocked = task(
  import.meta,
  async function printReportLocked(printLock: Lock, file: string, name: string, lines: number): Promise<void> {
    await printLock.withLock(() => printReport(file, name, lines));
  },
);

// ── 3. Many printers, one lock ──────────────────────────────────────────────────────────────

/**
 * Starts one child per name in `context`, each running `printReportLocked` with the same
 * `printLock`, and waits until all of them have ended.
 *
 * @example
 * ```ts
 * await printAll(new Lock(), "/tmp/out.txt", ["A", "B", "C"], 3, "process"); // each report in one piece
 * ```
 */
export async function printAll(printLock: Lock, file: string, names: string[], lines: number, context: ContextName): Promise<void> {
  const children = names.map((name) => new Process({ target: printReportLocked, args: [printLock, file, name, lines], context }));
  for (const child of children) child.start();
  for (const child of children) await child.join();
}

// ── 4. Or print it in one piece ─────────────────────────────────────────────────────────────

/**
 * The whole report of `name` as one text: its lines joined with newlines (no newline at the end).
 *
 * @example
 * ```ts
 * reportText("A", 2); // "A: line 1 of 2\nA: line 2 of 2"
 * ```
 */
export function reportText(name: string, lines: number): string {
  return Array.from({ length: lines }, (_, i) => reportLine(name, i + 1, lines)).join("\n");
}

/**
 * Prints the report of `name` with a single `printLine` call, without a lock.
 *
 * @example
 * ```ts
 * printReportAtOnce("/tmp/out.txt", "A", 3);
 * ```
 */
export const printReportAtOnce = task(import.meta, function printReportAtOnce(file: string, name: string, lines: number): void {
  printLine(file, reportText(name, lines));
});
