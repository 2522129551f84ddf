/**
 * `@multiproc/grader`: grades the multiproc course's exercises on Node, Deno and Bun, sandboxed,
 * with Exercism-compatible results. Most people use it through the workspace scripts
 * (`pnpm grade`, `pnpm verify`, `pnpm hint`); this module exports the pieces for tests and tools.
 *
 * @example
 * ```ts
 * import { gradeAll, loadCourse, planRuns } from "@multiproc/grader";
 * const course = loadCourse("/work/main");
 * const outcomes = await gradeAll(planRuns(course.exercises, "node", undefined, "learner"), { workspace: "/work/main" }, 2);
 * ```
 *
 * @module
 */
export { main, parseCommandLine, WORKSPACE } from "./cli.ts";
export type { CommandLine, Output } from "./cli.ts";
export { ExerciseFormatError, GraderError, RuntimeUnavailableError, UnknownExerciseError, UsageError } from "./errors.ts";
export {
  CONTEXTS,
  DEFAULT_MAX_PROCESSES,
  findExercise,
  FOLDER_PATTERN,
  listExerciseFolders,
  loadCourse,
  loadExercise,
  RUNTIMES,
  validateMeta,
} from "./exercise.ts";
export type { ContextName, Course, Exercise, ExerciseMeta, RuntimeName } from "./exercise.ts";
export { defaultJobs, gradeAll, gradeRun, planRuns, readExerciseTests, runLabel } from "./grade.ts";
export type { GradeOptions, RunOutcome, RunPlan } from "./grade.ts";
export { HINT_STATE_FILE, nextHint, parseHints } from "./hints.ts";
export type { Hint, NextHint } from "./hints.ts";
export { resultsPath, writeResultsFiles } from "./json-output.ts";
export { findRunProcesses, hasProcfs, killRun, readProcessTable, RUN_MARKER_VAR } from "./process-tree.ts";
export type { ProcessEntry } from "./process-tree.ts";
export { parseTasks, taskIdOf } from "./readme.ts";
export type { Task } from "./readme.ts";
export { courseReport, exerciseDone, exerciseReport, planName, progressLine } from "./report.ts";
export { abnormalEnd, buildResults, OUTPUT_LIMIT, TRUNCATION_MARKER, truncateOutput } from "./results.ts";
export type { CaseOutcome, ExercismResults, ExercismTest, RunEnd, RunnerReport, Status } from "./results.ts";
export { bunCommand, collectBunReport } from "./runners/bun.ts";
export type { BunInvocation } from "./runners/bun.ts";
export { parseJunit } from "./runners/junit.ts";
export type { JunitCase } from "./runners/junit.ts";
export { openResultChannel, vitestCommand } from "./runners/vitest.ts";
export type { ResultChannel, VitestInvocation } from "./runners/vitest.ts";
export { formatVitestError } from "./runners/vitest-reporter.ts";
export { resolvePackageDir, resolveRuntimeBinary } from "./runtimes.ts";
export { runSandboxed } from "./sandbox.ts";
export type { SandboxOptions, SandboxResult } from "./sandbox.ts";
export { prepareScratch, workspacePackages } from "./scratch.ts";
export type { Scratch, Variant } from "./scratch.ts";
export { dedent, parseTestFile } from "./test-file.ts";
export type { StaticTest } from "./test-file.ts";
export { retryCrashedRuns, runProblem, runtimeCrash, staticProblems, verifyCourse } from "./verify.ts";
export type { VerifyReport } from "./verify.ts";
