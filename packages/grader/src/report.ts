/**
 * What people read: progress while runs go, the course table, the next step, and the detail of
 * one exercise. Pure functions from outcomes to text; the CLI decides where the text goes.
 *
 * @module
 */
import type { Exercise, RuntimeName } from "./exercise.ts";
import { type RunOutcome, type RunPlan, runLabel } from "./grade.ts";
import type { ExercismTest, Status } from "./results.ts";

const SYMBOL: Record<Status, string> = { pass: "✓", fail: "✗", error: "!" };

/** How a learner's exercise reads in the table: not yet passing is "pending", not a failure. */
const CELL_WORD: Record<Status, string> = { pass: "done", fail: "pending", error: "error" };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `01-add · node-process` (and `· solution` when grading the reference solution).
 *
 * @param plan - the run.
 * @returns its name.
 *
 * @example
 * ```ts
 * import { planName } from "@multiproc/grader";
 * planName(plan); // "01-add · node"
 * ```
 */
export function planName(plan: RunPlan): string {
  return `${plan.exercise.folder} · ${runLabel(plan.runtime, plan.context)}${plan.variant === "solution" ? " · solution" : ""}`;
}

/**
 * One progress line for a finished run.
 *
 * @param outcome - the run's outcome.
 * @param done - how many runs have finished.
 * @param total - how many runs there are.
 * @returns e.g. `  [3/12] 01-add · deno            ✓ pass  4/4  0.4 s`.
 *
 * @example
 * ```ts
 * import { progressLine } from "@multiproc/grader";
 * process.stderr.write(`${progressLine(outcome, 3, 12)}\n`);
 * ```
 */
export function progressLine(outcome: RunOutcome, done: number, total: number): string {
  const r = outcome.results;
  const width = String(total).length;
  const counter = `[${String(done).padStart(width)}/${total}]`;
  return `  ${counter} ${planName(outcome.plan).padEnd(44)} ${SYMBOL[r.status]} ${r.status.padEnd(5)} ${`${outcome.passed}/${outcome.total}`.padStart(5)}  ${seconds(outcome.durationMs)}`;
}

/**
 * Whether every run of an exercise passed.
 *
 * @param outcomes - the runs of one exercise.
 * @returns `true` when there is at least one run and all passed.
 *
 * @example
 * ```ts
 * import { exerciseDone } from "@multiproc/grader";
 * exerciseDone(outcomes.filter((o) => o.plan.exercise === ex));
 * ```
 */
export function exerciseDone(outcomes: readonly RunOutcome[]): boolean {
  return outcomes.length > 0 && outcomes.every((o) => o.results.status === "pass");
}

function worst(statuses: readonly Status[]): Status {
  return statuses.includes("error") ? "error" : statuses.includes("fail") ? "fail" : "pass";
}

function firstProblem(outcomes: readonly RunOutcome[]): { outcome: RunOutcome; test: ExercismTest | undefined } | undefined {
  for (const outcome of outcomes) {
    if (outcome.results.status === "pass") continue;
    return { outcome, test: outcome.results.tests.find((t) => t.status !== "pass") };
  }
  return undefined;
}

function indent(text: string, by: string): string {
  return text
    .split("\n")
    .map((l) => (l ? by + l : l))
    .join("\n");
}

function firstLines(text: string, n: number): string {
  const lines = text.split("\n");
  return lines.length > n ? `${lines.slice(0, n).join("\n")}\n…` : text;
}

/**
 * The course report: a table of exercise × runtime (status, tests passed/total, time), the
 * number of exercises done, and the next exercise to work on with its first failing test.
 *
 * @param exercises - every exercise graded, in course order.
 * @param outcomes - the outcomes of all runs.
 * @param hintCommand - how the learner asks for a hint, e.g. `pnpm hint`.
 * @returns the text.
 *
 * @example
 * ```ts
 * import { courseReport } from "@multiproc/grader";
 * console.log(courseReport(course.exercises, outcomes, "pnpm hint"));
 * ```
 */
export function courseReport(exercises: readonly Exercise[], outcomes: readonly RunOutcome[], hintCommand: string): string {
  const runtimes = [...new Set(outcomes.map((o) => o.plan.runtime))] as RuntimeName[];
  const rows: string[][] = [["#", "Exercise", ...runtimes]];
  let done = 0;
  let next: Exercise | undefined;
  for (const ex of exercises) {
    const mine = outcomes.filter((o) => o.plan.exercise === ex);
    if (mine.length === 0) continue;
    if (exerciseDone(mine)) done += 1;
    else next ??= ex;
    const cells = runtimes.map((rt) => {
      const runs = mine.filter((o) => o.plan.runtime === rt);
      if (runs.length === 0) return "—";
      const status = worst(runs.map((o) => o.results.status));
      const passed = runs.reduce((n, o) => n + o.passed, 0);
      const total = runs.reduce((n, o) => n + o.total, 0);
      const ms = runs.reduce((n, o) => n + o.durationMs, 0);
      const contexts = runs.length > 1 ? ` (${runs.map((o) => o.plan.context).join("+")})` : "";
      return `${SYMBOL[status]} ${CELL_WORD[status]} ${passed}/${total} ${seconds(ms)}${contexts}`;
    });
    rows.push([String(ex.meta.order), `${ex.meta.title} (${ex.meta.slug})`, ...cells]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  const graded = rows.length - 1;
  const out = [line(rows[0] ?? []), widths.map((w) => "─".repeat(w)).join("  "), ...rows.slice(1).map(line), ""];
  out.push(`${done} of ${graded} done.`);
  if (next) {
    const problem = firstProblem(outcomes.filter((o) => o.plan.exercise === next));
    out.push("", `Next: ${next.folder} — ${next.meta.title}   (exercises/${next.folder}/README.md; \`${hintCommand} ${next.meta.slug}\` for a hint)`);
    if (problem) {
      const where = runLabel(problem.outcome.plan.runtime, problem.outcome.plan.context);
      if (problem.test) {
        out.push(`  first failing test (${where}): ${problem.test.task_id ? `task ${problem.test.task_id} › ` : ""}${problem.test.name}`);
        if (problem.test.message) out.push(indent(firstLines(problem.test.message, 12), "    "));
      } else if (problem.outcome.results.message) {
        out.push(`  the run did not work (${where}):`, indent(firstLines(problem.outcome.results.message, 12), "    "));
      }
    }
  } else if (graded > 0) out.push("", "Everything graded passes. Well done!");
  return out.join("\n");
}

/**
 * The detail of one exercise: for each run, its status, every test with its result, every
 * failing test's message, and what the learner's code printed.
 *
 * @param outcomes - the runs of one exercise.
 * @returns the text.
 *
 * @example
 * ```ts
 * import { exerciseReport } from "@multiproc/grader";
 * console.log(exerciseReport(outcomes));
 * ```
 */
export function exerciseReport(outcomes: readonly RunOutcome[]): string {
  const out: string[] = [];
  for (const o of outcomes) {
    const r = o.results;
    out.push(`${planName(o.plan)}: ${SYMBOL[r.status]} ${r.status}, ${o.passed}/${o.total} tests passed (${seconds(o.durationMs)})`);
    if (r.message) out.push(indent(r.message, "  "));
    let task: number | undefined;
    for (const t of r.tests) {
      if (t.task_id !== undefined && t.task_id !== task) {
        task = t.task_id;
        const title = o.plan.exercise.tasks.find((k) => k.id === task)?.title;
        out.push(`  Task ${task}${title ? `: ${title}` : ""}`);
      }
      out.push(`    ${SYMBOL[t.status]} ${t.name}`);
      if (t.status !== "pass" && t.message) out.push(indent(t.message, "        "));
      if (t.output) out.push("        your output:", indent(t.output.replace(/\n$/, ""), "        │ "));
    }
    if (o.leftoversKilled > 0) out.push(`  note: ${o.leftoversKilled} process(es) your code started were still running after the tests and were killed.`);
    out.push("");
  }
  return out.join("\n");
}
