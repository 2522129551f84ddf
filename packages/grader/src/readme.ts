/**
 * Reads the numbered tasks of an exercise's `README.md` (`## 1. Read the file`), which give the
 * Exercism `task_id` of the tests grouped under `describe("1. …")`.
 *
 * @module
 */

/**
 * One numbered task of the instructions.
 *
 * @example
 * ```ts
 * const task: Task = { id: 1, title: "Read the file" };
 * ```
 */
export interface Task {
  /** The task's number, from 1. */
  id: number;
  /** The heading's text after the number. */
  title: string;
}

const TASK_HEADING = /^## +(\d+)\. +(.+?)\s*$/;

/**
 * Finds the numbered `## N. Title` headings of a README. Tasks must be numbered 1, 2, 3, … in
 * order; anything else is reported as a problem.
 *
 * @param markdown - the README's text.
 * @returns the tasks, and the problems found (empty when the README is valid).
 *
 * @example
 * ```ts
 * import { parseTasks } from "@multiproc/grader";
 * parseTasks("# Homework\n\n## 1. Read the file\n\n## 2. Send the size\n").tasks;
 * // [{ id: 1, title: "Read the file" }, { id: 2, title: "Send the size" }]
 * ```
 */
export function parseTasks(markdown: string): { tasks: Task[]; problems: string[] } {
  const tasks: Task[] = [];
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = TASK_HEADING.exec(line);
    if (m) tasks.push({ id: Number(m[1]), title: m[2] ?? "" });
  }
  const problems: string[] = [];
  if (tasks.length === 0) problems.push("no numbered tasks; add headings like `## 1. Read the file`");
  tasks.forEach((t, i) => {
    if (t.id !== i + 1) problems.push(`task headings must be numbered 1, 2, 3, … in order; heading "${t.id}. ${t.title}" is number ${i + 1}`);
  });
  return { tasks, problems };
}

/**
 * The task a test belongs to: the number at the start of the outermost enclosing `describe`
 * title of the form `N. …` (e.g. `describe("1. Read the file", …)`).
 *
 * @param describePath - the titles of the enclosing `describe` blocks, outermost first.
 * @returns the task number, or `undefined` when no enclosing block is numbered.
 *
 * @example
 * ```ts
 * import { taskIdOf } from "@multiproc/grader";
 * taskIdOf(["2. Send the size", "edge cases"]); // 2
 * ```
 */
export function taskIdOf(describePath: readonly string[]): number | undefined {
  for (const title of describePath) {
    const m = /^(\d+)\.\s/.exec(title);
    if (m) return Number(m[1]);
  }
  return undefined;
}
