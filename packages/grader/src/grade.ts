/**
 * Grading: plans the runs (exercise × runtime × context), runs each one sandboxed in its own
 * scratch copy, and turns what happened into Exercism results.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { GraderError } from "./errors.ts";
import { type ContextName, DEFAULT_MAX_PROCESSES, type Exercise, type RuntimeName } from "./exercise.ts";
import { buildResults, type ExercismResults, type RunnerReport } from "./results.ts";
import { bunCommand, collectBunReport } from "./runners/bun.ts";
import { openResultChannel, vitestCommand } from "./runners/vitest.ts";
import { runSandboxed, type SandboxOptions, type SandboxResult } from "./sandbox.ts";
import { prepareScratch, type Variant } from "./scratch.ts";
import { parseTestFile, type StaticTest } from "./test-file.ts";

/**
 * One run to make: an exercise on a runtime, in a context (if the exercise has contexts), with the
 * learner's code or the reference solution.
 *
 * @example
 * ```ts
 * const plan: RunPlan = { exercise, runtime: "deno", context: "thread", variant: "learner" };
 * ```
 */
export interface RunPlan {
  exercise: Exercise;
  runtime: RuntimeName;
  context: ContextName | undefined;
  variant: Variant;
}

/**
 * The outcome of one run.
 *
 * @example
 * ```ts
 * const done = outcome.results.status === "pass";
 * console.log(`${outcome.passed}/${outcome.total} in ${(outcome.durationMs / 1000).toFixed(1)} s`);
 * ```
 */
export interface RunOutcome {
  plan: RunPlan;
  results: ExercismResults;
  /** Tests that passed, and tests in the results. */
  passed: number;
  total: number;
  /** Wall-clock time of the run, scratch copy included. */
  durationMs: number;
  /** Processes of the run found alive after it ended and killed by the grader. */
  leftoversKilled: number;
}

/**
 * Options shared by every run.
 *
 * @example
 * ```ts
 * const opts: GradeOptions = { workspace: "/work/main" };
 * ```
 */
export interface GradeOptions {
  /** The workspace root: where the `@multiproc/*` packages, vitest, Deno and Bun are. */
  workspace: string;
  /** Called with the first pid and marker of the run's process tree (tests check for leftovers with it). */
  onStart?: SandboxOptions["onStart"];
}

/**
 * `node`, `node-thread`, …: how a run is named in folders and tables.
 *
 * @param runtime - the runtime.
 * @param context - the context, if the exercise has contexts.
 * @returns the label.
 *
 * @example
 * ```ts
 * import { runLabel } from "@multiproc/grader";
 * runLabel("deno", "process"); // "deno-process"
 * ```
 */
export function runLabel(runtime: RuntimeName, context: ContextName | undefined): string {
  return context ? `${runtime}-${context}` : runtime;
}

/**
 * The tests of an exercise, read from its test files in the order `exercise.json` lists them.
 *
 * @param exercise - the exercise.
 * @returns the tests in file order.
 *
 * @example
 * ```ts
 * import { readExerciseTests } from "@multiproc/grader";
 * readExerciseTests(exercise).map((t) => t.name);
 * ```
 */
export function readExerciseTests(exercise: Exercise): StaticTest[] {
  return exercise.meta.files.test.flatMap((f) => parseTestFile(readFileSync(join(exercise.dir, f), "utf8"), f));
}

/** The environment every run starts from: only what a runtime needs to work, nothing of the grader's. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "SYSTEMROOT"]) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  env.CI = "true"; // no interactive prompts, no watch mode
  return env;
}

/**
 * Grades one run: makes the scratch copy, runs the tests sandboxed with the exercise's limits,
 * reads the runner's report and builds Exercism results. The learner's code can make a run fail
 * or error, never make the grader throw or hang.
 *
 * @param plan - the run.
 * @param opts - shared options.
 * @returns the outcome.
 *
 * @example
 * ```ts
 * import { gradeRun } from "@multiproc/grader";
 * const outcome = await gradeRun({ exercise, runtime: "node", context: undefined, variant: "learner" }, { workspace: "/work/main" });
 * ```
 */
export async function gradeRun(plan: RunPlan, opts: GradeOptions): Promise<RunOutcome> {
  const started = performance.now();
  const { exercise, runtime, context } = plan;
  const tests = readExerciseTests(exercise);
  const scratch = prepareScratch(exercise, plan.variant, opts.workspace);
  try {
    const timeLimitSeconds = exercise.meta.timeLimitSeconds;
    const maxProcesses = exercise.meta.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    const testTimeoutMs = timeLimitSeconds * 1000;
    const testFiles = exercise.meta.files.test;
    const limits = { timeLimitMs: timeLimitSeconds * 1000, maxProcesses, ...(opts.onStart ? { onStart: opts.onStart } : {}) };
    let sandbox: SandboxResult;
    let report: RunnerReport;
    if (runtime === "bun") {
      const cmd = bunCommand({ scratch, workspace: opts.workspace, testFiles, context, testTimeoutMs }, baseEnvironment());
      sandbox = await runSandboxed({ ...cmd, ...limits });
      report = collectBunReport(scratch, sandbox);
    } else {
      const channel = await openResultChannel(join(scratch.reportDir, "results.sock"));
      const cmd = vitestCommand({ runtime, scratch, workspace: opts.workspace, testFiles, context, testTimeoutMs, socketPath: channel.path }, baseEnvironment());
      sandbox = await runSandboxed({ ...cmd, ...limits });
      report = await channel.finish(sandbox.timedOut || sandbox.processLimitHit ? 0 : 2000);
    }
    const cleanPath = (s: string) => s.split(`${scratch.exerciseDir}/`).join("").split(scratch.base).join("<scratch>");
    const results = buildResults(
      tests,
      report,
      { timedOut: sandbox.timedOut, timeLimitSeconds, processLimitHit: sandbox.processLimitHit, maxProcesses, exitCode: sandbox.exitCode, signal: sandbox.signal, stderr: cleanPath(sandbox.stderr) },
      cleanPath,
    );
    return {
      plan,
      results,
      passed: results.tests.filter((t) => t.status === "pass").length,
      total: results.tests.length,
      durationMs: performance.now() - started,
      leftoversKilled: sandbox.leftoversKilled,
    };
  } finally {
    scratch.remove();
  }
}

/**
 * Which runtimes and contexts to grade an exercise on.
 *
 * - runtime `all` means every runtime the exercise declares; a single runtime it does not
 *   declare gives no run.
 * - context `all` means every context it declares; by default, `process` if it declares it (the
 *   library's default context), else its first one; an exercise without contexts has one run per
 *   runtime.
 *
 * @param exercises - the exercises, in course order.
 * @param runtime - `node`, `deno`, `bun` or `all`.
 * @param context - `thread`, `process`, `all`, or `undefined` for the default.
 * @param variant - learner's code or reference solution.
 * @returns the runs, exercise by exercise.
 *
 * @example
 * ```ts
 * import { planRuns } from "@multiproc/grader";
 * planRuns(course.exercises, "all", undefined, "learner").length;
 * ```
 */
export function planRuns(
  exercises: readonly Exercise[],
  runtime: RuntimeName | "all",
  context: ContextName | "all" | undefined,
  variant: Variant,
): RunPlan[] {
  const plans: RunPlan[] = [];
  for (const exercise of exercises) {
    const runtimes = runtime === "all" ? exercise.meta.runtimes : exercise.meta.runtimes.filter((r) => r === runtime);
    const declared = exercise.meta.contexts;
    const contexts: Array<ContextName | undefined> =
      declared.length === 0
        ? [undefined]
        : context === "all"
          ? declared
          : context
            ? declared.filter((c) => c === context)
            : [declared.includes("process") ? "process" : declared[0]];
    for (const r of runtimes) for (const c of contexts) plans.push({ exercise, runtime: r, context: c, variant });
  }
  return plans;
}

/**
 * How many runs to make at once by default: one per CPU, at most 4 (each run is itself 2–3
 * processes, and exercises about processes start more).
 *
 * @example
 * ```ts
 * import { defaultJobs } from "@multiproc/grader";
 * defaultJobs(); // 2 on a 2-core machine
 * ```
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Runs many plans, `jobs` at a time, calling `onBegin`/`onDone` as each starts and finishes;
 * results keep the plans' order. A run that cannot be made (a {@link GraderError}: missing
 * solution file, runtime not installed) becomes an `error` outcome carrying the message.
 *
 * @param plans - the runs.
 * @param opts - shared options.
 * @param jobs - how many at once.
 * @param onDone - called when a run finishes, with how many have.
 * @param onBegin - called when a run starts.
 * @returns the outcomes, in plan order.
 *
 * @example
 * ```ts
 * import { gradeAll } from "@multiproc/grader";
 * const outcomes = await gradeAll(plans, { workspace }, 2, (o) => console.log(o.plan.exercise.meta.slug));
 * ```
 */
export async function gradeAll(plans: readonly RunPlan[], opts: GradeOptions, jobs: number, onDone?: (outcome: RunOutcome, done: number) => void, onBegin?: (plan: RunPlan) => void): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(plans.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < plans.length) {
      const i = next++;
      const plan = plans[i] as RunPlan;
      onBegin?.(plan);
      let outcome: RunOutcome;
      try {
        outcome = await gradeRun(plan, opts);
      } catch (err) {
        // A problem of the course or the machine (a missing solution file, a runtime not
        // installed), not of the learner's code: reported as this run's error, the others go on.
        if (!(err instanceof GraderError)) throw err;
        outcome = { plan, results: { version: 3, status: "error", message: err.message, tests: [] }, passed: 0, total: 0, durationMs: 0, leftoversKilled: 0 };
      }
      outcomes[i] = outcome;
      onDone?.(outcome, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, plans.length) }, worker));
  return outcomes;
}
