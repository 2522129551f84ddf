/**
 * Exercise 7: the main-module guard — the reference solution.
 *
 * This file is a module (the tests import it) and a program (`node main-guard.ts process`).
 */
import { type ContextName, Process, currentProcess, isMain, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

/**
 * The name of the process that loaded this file. (Given.) It is top-level code, so it runs
 * whenever a process loads the file: once in the program, and again in every child.
 *
 * @example
 * ```ts
 * loadedIn; // "MainProcess" here; "Process-1" in a child named Process-1
 * ```
 */
export const loadedIn: string = currentProcess().name;

// ── 1. Top-level code runs again in every child ─────────────────────────────────────────────

/**
 * What a process says about itself and this file.
 *
 * @example
 * ```ts
 * const r: Report = { loadedIn: "Process-1", runningIn: "Process-1" };
 * ```
 */
export interface Report {
  /** `loadedIn`, as the reporting process sees it. */
  loadedIn: string;
  /** The name of the process running `report`. */
  runningIn: string;
}

/**
 * A task: puts a `Report` on `out` — the file's `loadedIn`, and the name of the process that
 * runs it.
 *
 * @example
 * ```ts
 * await report(out); // here: { loadedIn: "MainProcess", runningIn: "MainProcess" }
 * ```
 */
export const report = task(import.meta, async function report(out: Queue<Report>): Promise<void> {
  await out.put({ loadedIn, runningIn: currentProcess().name });
});

// ── 2. The program's work ───────────────────────────────────────────────────────────────────

/**
 * How many times `main` has run in this process.
 *
 * @example
 * ```ts
 * await main("thread", 2);
 * mainRuns; // 1 more than before
 * ```
 */
export let mainRuns = 0;

/**
 * The program's work: adds 1 to `mainRuns`, runs `report` in `children` children in `context`,
 * and returns their reports sorted by `runningIn`.
 *
 * @example
 * ```ts
 * await main("process", 2);
 * // [{ loadedIn: "Process-1", runningIn: "Process-1" }, { loadedIn: "Process-2", runningIn: "Process-2" }]
 * ```
 */
export async function main(context: ContextName, children: number): Promise<Report[]> {
  mainRuns++;
  const out = new Queue<Report>();
  const started = Array.from({ length: children }, () => new Process({ target: report, args: [out], context }));
  for (const child of started) child.start();
  const reports: Report[] = [];
  for (let i = 0; i < children; i++) reports.push(await out.get());
  for (const child of started) await child.join();
  return reports.sort((a, b) => a.runningIn.localeCompare(b.runningIn));
}

// ── 3. The guard ────────────────────────────────────────────────────────────────────────────

if (isMain(import.meta)) {
  const context: ContextName = process.argv[2] === "thread" ? "thread" : "process";
  console.log(`main runs in ${currentProcess().name}`);
  for (const r of await main(context, 2)) console.log(`${r.runningIn} loaded the file in ${r.loadedIn}`);
}
