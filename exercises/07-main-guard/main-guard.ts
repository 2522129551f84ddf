/**
 * Exercise 7: the main-module guard. Read README.md first: each numbered part below is one of its
 * tasks. Replace every TODO, then run `npx pnpm@12.21.0 grade main-guard`.
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
  // TODO: put { loadedIn, runningIn: <the name of the process running this> } on out.
  throw new Error("TODO: report() is not written yet");
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
  // TODO: add 1 to mainRuns; start `children` children running report(out) in context; get one
  // report per child; join them all; return the reports sorted by runningIn.
  throw new Error(`TODO: main("${context}", ${children}) is not written yet`);
}

// ── 3. The guard ────────────────────────────────────────────────────────────────────────────

// TODO: only when this file is the program that was started: take the children's context from
// process.argv[2] ("thread", else "process"), print `main runs in <this process's name>`, run
// main(context, 2), and print `<runningIn> loaded the file in <loadedIn>` for each report.
