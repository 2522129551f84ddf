/**
 * The authors' self-check, in both directions like rustlings' `dev check`: every reference
 * solution passes, and every untouched stub loads and fails at least one test, on every runtime
 * and in every context the exercise declares; and the course is well-formed (metadata, README
 * tasks, hints, solutions present, tests linked to tasks, no slug used twice).
 *
 * `verify` grades the files in `exercises/` as the stubs, so run it on a checkout where they are
 * untouched (CI's fresh clone is one).
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Course, Exercise, RuntimeName } from "./exercise.ts";
import { type GradeOptions, gradeAll, gradeRun, planRuns, readExerciseTests, type RunOutcome, type RunPlan, runLabel } from "./grade.ts";
import { parseHints } from "./hints.ts";

/**
 * The outcome of `verify`.
 *
 * @example
 * ```ts
 * const report: VerifyReport = { problems: [], outcomes: [], retried: [] };
 * if (report.problems.length > 0) process.exitCode = 1;
 * ```
 */
export interface VerifyReport {
  /** Every problem found, each starting with the exercise folder. */
  problems: string[];
  /** Every run made (for a run made twice, the second). */
  outcomes: RunOutcome[];
  /** The runs made again because the runtime crashed the first time, each with the crash. */
  retried: string[];
}

/**
 * The checks of `verify` that need no run: metadata and README (already checked when the course
 * was loaded), unique slugs and orders, solutions present, stubs with TODOs, hints, tests that
 * parse and belong to README tasks.
 *
 * @param course - the loaded course.
 * @returns the problems found.
 *
 * @example
 * ```ts
 * import { loadCourse, staticProblems } from "@multiproc/grader";
 * staticProblems(loadCourse("/work/main")); // [] when the course is well-formed
 * ```
 */
export function staticProblems(course: Course): string[] {
  const problems: string[] = [];
  for (const broken of course.broken) for (const p of broken.problems) problems.push(`${broken.folder}: ${p}`);
  const bySlug = new Map<string, string[]>();
  const byOrder = new Map<number, string[]>();
  for (const ex of course.exercises) {
    bySlug.set(ex.meta.slug, [...(bySlug.get(ex.meta.slug) ?? []), ex.folder]);
    byOrder.set(ex.meta.order, [...(byOrder.get(ex.meta.order) ?? []), ex.folder]);
  }
  for (const [slug, folders] of bySlug) if (folders.length > 1) problems.push(`${folders.join(", ")}: the slug "${slug}" is used by ${folders.length} exercises; slugs must be unique`);
  for (const [order, folders] of byOrder) if (folders.length > 1) problems.push(`${folders.join(", ")}: the order ${order} is used by ${folders.length} exercises`);
  for (const ex of course.exercises) problems.push(...exerciseProblems(ex).map((p) => `${ex.folder}: ${p}`));
  return problems;
}

function exerciseProblems(ex: Exercise): string[] {
  const problems: string[] = [];
  if (!existsSync(ex.solutionDir)) problems.push(`no reference solution: solutions/${ex.folder}/ is missing`);
  else for (const f of ex.meta.files.stub) if (!existsSync(join(ex.solutionDir, f))) problems.push(`solutions/${ex.folder}/${f} is missing (every stub file needs its solution)`);
  for (const f of ex.meta.files.stub) {
    const path = join(ex.dir, f);
    if (existsSync(path) && !readFileSync(path, "utf8").includes("TODO")) problems.push(`the stub ${f} has no TODO marking what the learner writes`);
  }
  const hintsPath = join(ex.dir, "HINTS.md");
  if (!existsSync(hintsPath)) problems.push("HINTS.md is missing");
  else if (parseHints(readFileSync(hintsPath, "utf8")).length === 0) problems.push("HINTS.md has no hints (one `## ` section per hint)");
  const tests = readExerciseTests(ex);
  if (tests.length === 0) problems.push(`no tests found in ${ex.meta.files.test.join(", ")}`);
  const taskIds = new Set(ex.tasks.map((t) => t.id));
  for (const t of tests) {
    const where = `${t.file}:${t.line} "${t.name}"`;
    if (t.taskId === undefined) problems.push(`test ${where} is not inside a numbered describe("N. …") block, so it has no task`);
    else if (!taskIds.has(t.taskId)) problems.push(`test ${where} belongs to task ${t.taskId}, which README.md does not have`);
  }
  for (const task of ex.tasks) if (!tests.some((t) => t.taskId === task.id)) problems.push(`README task ${task.id} ("${task.title}") has no tests`);
  return problems;
}

function firstFailure(outcome: RunOutcome): string {
  const r = outcome.results;
  const t = r.tests.find((x) => x.status !== "pass");
  const text = t ? `"${t.name}": ${t.message ?? t.status}` : (r.message ?? r.status);
  const first = text.split("\n").slice(0, 4).join(" ").replace(/\s+/g, " ");
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/** A verify run in words, e.g. "01-add: the solution on deno-thread". */
function whichRun(plan: RunPlan): string {
  return `${plan.exercise.folder}: the ${plan.variant === "solution" ? "solution" : "untouched stub"} on ${runLabel(plan.runtime, plan.context)}`;
}

/**
 * What is wrong with one verify run, if anything: a solution run must pass; a stub run must load
 * and fail at least one test.
 *
 * @param outcome - the run.
 * @returns the problem, or `undefined`.
 *
 * @example
 * ```ts
 * import { runProblem } from "@multiproc/grader";
 * const problem = runProblem(outcome); // e.g. "01-add: the solution fails on deno: …"
 * ```
 */
export function runProblem(outcome: RunOutcome): string | undefined {
  const { plan, results } = outcome;
  const where = whichRun(plan);
  if (plan.variant === "solution") {
    return results.status === "pass" ? undefined : `${where} does not pass (${outcome.passed}/${outcome.total}): ${firstFailure(outcome)}`;
  }
  if (results.status === "fail") return undefined;
  if (results.status === "pass") return `${where} passes every test; the tests must fail until the learner does the work`;
  return `${where} must load and fail a test, but the run did not work: ${firstFailure(outcome)}`;
}

/** What a runtime prints, or how its process ends, when it crashes (not when a test fails). */
const CRASH = /(?:killed by|with signal) (SIGTRAP|SIGSEGV|SIGILL|SIGBUS|SIGABRT)|# Fatal error|Check failed: [^\n]*|Segmentation fault|panicked at/;

/**
 * Why a run's runtime crashed, if that is what ended it: a V8 fatal error, a segfault, a Rust
 * panic — a crash of Node, Deno or Bun itself, which no test of a course can cause or fix, as
 * opposed to a failed test, a timeout or an error thrown by the code under test. Seen under load
 * about once in 20 runs of one queue test on Node 24.21 (V8's "Check failed" in
 * `AsyncModuleExecutionFulfilled`, see `scripts/test.ts`).
 *
 * @param outcome - the run.
 * @returns the crash as the runtime reported it, or `undefined`.
 *
 * @example
 * ```ts
 * import { runtimeCrash } from "@multiproc/grader";
 * runtimeCrash(outcome); // e.g. "with signal SIGTRAP", or undefined for a plain failure
 * ```
 */
export function runtimeCrash(outcome: RunOutcome): string | undefined {
  const r = outcome.results;
  if (r.status === "pass") return undefined;
  for (const text of [r.message, ...r.tests.map((t) => t.message)]) {
    const m = text === undefined ? null : CRASH.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

/**
 * Makes once more every run that has a problem because its runtime crashed (see
 * {@link runtimeCrash}): the self-check judges the course, not the runtime. A run that crashes
 * twice keeps its problem.
 *
 * @param outcomes - the runs; a run made again is replaced by its second outcome.
 * @param again - makes a run again.
 * @returns one line per run made again: which, and the first crash.
 *
 * @example
 * ```ts
 * import { gradeRun, retryCrashedRuns } from "@multiproc/grader";
 * const retried = await retryCrashedRuns(outcomes, (plan) => gradeRun(plan, { workspace: "/work/main" }));
 * ```
 */
export async function retryCrashedRuns(outcomes: RunOutcome[], again: (plan: RunPlan) => Promise<RunOutcome>): Promise<string[]> {
  const retried: string[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    const first = outcomes[i] as RunOutcome;
    const crash = runProblem(first) === undefined ? undefined : runtimeCrash(first);
    if (crash === undefined) continue;
    const second = await again(first.plan);
    outcomes[i] = second;
    retried.push(`${whichRun(first.plan)}: the runtime crashed (${crash}); made again: ${runProblem(second) === undefined ? "fine" : "still wrong"}`);
  }
  return retried;
}

/**
 * Runs the whole self-check.
 *
 * @param course - the loaded course.
 * @param opts - shared grading options.
 * @param runtime - `all` (default: every declared runtime) or one runtime.
 * @param jobs - runs at once.
 * @param onDone - progress callback.
 * @returns the problems, the runs, and the runs made again after a crash of the runtime.
 *
 * @example
 * ```ts
 * import { loadCourse, verifyCourse } from "@multiproc/grader";
 * const { problems } = await verifyCourse(loadCourse("/work/main"), { workspace: "/work/main" }, "all", 2);
 * ```
 */
export async function verifyCourse(
  course: Course,
  opts: GradeOptions,
  runtime: RuntimeName | "all",
  jobs: number,
  onDone?: (outcome: RunOutcome, done: number, total: number) => void,
): Promise<VerifyReport> {
  const problems = staticProblems(course);
  const plans: RunPlan[] = [];
  for (const ex of course.exercises) {
    const stub = planRuns([ex], runtime, "all", "learner");
    // A missing solution is already a problem above; its runs would only repeat it.
    const hasSolution = ex.meta.files.stub.every((f) => existsSync(join(ex.solutionDir, f)));
    const solution = hasSolution ? planRuns([ex], runtime, "all", "solution") : [];
    // Interleave so that a stub and its solution run side by side.
    stub.forEach((p, i) => plans.push(...(solution[i] ? [solution[i]] : []), p));
  }
  const outcomes = await gradeAll(plans, opts, jobs, (o, done) => onDone?.(o, done, plans.length));
  const retried = await retryCrashedRuns(outcomes, (plan) => gradeRun(plan, opts));
  for (const o of outcomes) {
    const p = runProblem(o);
    if (p) problems.push(p);
  }
  return { problems, outcomes, retried };
}
