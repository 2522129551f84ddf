/**
 * Builds Exercism test-runner results (version 3) from what a runner reported, the tests read
 * from the test file, and how the sandboxed run ended. The test file gives the order (Exercism
 * wants file order), the `test_code` and the `task_id`; the runner gives status, message and
 * output; the sandbox says whether the run finished at all.
 *
 * @module
 */
import type { StaticTest } from "./test-file.ts";

/**
 * Exercism's status of a test or of a whole run.
 *
 * @example
 * ```ts
 * const s: Status = "fail";
 * ```
 */
export type Status = "pass" | "fail" | "error";

/**
 * One test of an Exercism `results.json`.
 *
 * @example
 * ```ts
 * const t: ExercismTest = { name: "reads an empty file", status: "fail", message: "expected 1 to be 0",
 *   output: "size: 1", test_code: "expect(await sizeOf(empty)).toBe(0);", task_id: 1 };
 * ```
 */
export interface ExercismTest {
  name: string;
  status: Status;
  /** Why it failed (only with `fail`/`error`). */
  message?: string;
  /** What the learner's code printed during the test, at most {@link OUTPUT_LIMIT} characters. */
  output?: string;
  test_code: string;
  task_id?: number;
}

/**
 * An Exercism `results.json`, version 3.
 *
 * @example
 * ```ts
 * const r: ExercismResults = { version: 3, status: "error", message: "timed out after 10 s", tests: [] };
 * ```
 */
export interface ExercismResults {
  version: 3;
  status: Status;
  /** Only with `error`: what went wrong (compile error, timeout, crash). */
  message?: string;
  tests: ExercismTest[];
}

/**
 * One test as a runner reported it.
 *
 * @example
 * ```ts
 * const c: CaseOutcome = { path: ["1. Read"], name: "reads", line: 4, status: "pass", output: "" };
 * ```
 */
export interface CaseOutcome {
  /** Enclosing `describe` titles, outermost first. */
  path: string[];
  name: string;
  line?: number;
  status: Status | "skip";
  message?: string;
  /** What the learner's code printed during this test (untruncated). */
  output: string;
}

/**
 * What a runner reported for one run.
 *
 * @example
 * ```ts
 * const r: RunnerReport = { finished: true, cases: [], loadErrors: ["SyntaxError: …"], otherErrors: [] };
 * ```
 */
export interface RunnerReport {
  /** The runner reported the end of the run (its report is complete). */
  finished: boolean;
  /** The tests, in the order the runner reported them. */
  cases: CaseOutcome[];
  /** Errors that stopped a test file from loading (syntax errors, a throw at import). */
  loadErrors: string[];
  /** Errors outside any test (unhandled rejections, a worker that died). */
  otherErrors: string[];
}

/**
 * How the sandboxed run ended, as far as results are concerned.
 *
 * @example
 * ```ts
 * const e: RunEnd = { timedOut: false, timeLimitSeconds: 10, processLimitHit: false, maxProcesses: 32,
 *   exitCode: 1, signal: null, stderr: "" };
 * ```
 */
export interface RunEnd {
  timedOut: boolean;
  timeLimitSeconds: number;
  processLimitHit: boolean;
  maxProcesses: number;
  exitCode: number | null;
  signal: string | null;
  /** The end of the run's stderr, shown when the run died without a report. */
  stderr: string;
}

/**
 * Most characters of learner output kept per test, marker included (Exercism's limit).
 *
 * @example
 * ```ts
 * import { OUTPUT_LIMIT } from "@multiproc/grader";
 * (test.output ?? "").length <= OUTPUT_LIMIT; // always true
 * ```
 */
export const OUTPUT_LIMIT = 500;
/**
 * Appended to output that was cut (Exercism's wording).
 *
 * @example
 * ```ts
 * import { TRUNCATION_MARKER } from "@multiproc/grader";
 * test.output?.endsWith(TRUNCATION_MARKER); // the output was cut
 * ```
 */
export const TRUNCATION_MARKER = "[Output was truncated. Please limit to 500 chars]";

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Cuts learner output to {@link OUTPUT_LIMIT} characters, marker included, and removes colours.
 *
 * @param text - what the learner printed.
 * @returns at most 500 characters; cut text ends with {@link TRUNCATION_MARKER}.
 *
 * @example
 * ```ts
 * import { truncateOutput } from "@multiproc/grader";
 * truncateOutput("x".repeat(1000)).length; // 500
 * ```
 */
export function truncateOutput(text: string): string {
  const clean = text.replace(ANSI, "");
  if (clean.length <= OUTPUT_LIMIT) return clean;
  return `${clean.slice(0, OUTPUT_LIMIT - TRUNCATION_MARKER.length - 1)}\n${TRUNCATION_MARKER}`;
}

/**
 * Why a run produced no complete report, in words for the learner.
 *
 * @param end - how the run ended.
 * @returns the message, or `undefined` when the run ended normally.
 *
 * @example
 * ```ts
 * import { abnormalEnd } from "@multiproc/grader";
 * abnormalEnd({ timedOut: true, timeLimitSeconds: 10, ... }); // "timed out after 10 s …"
 * ```
 */
export function abnormalEnd(end: RunEnd): string | undefined {
  if (end.timedOut) {
    return `timed out after ${end.timeLimitSeconds} s: the tests did not finish within the exercise's time limit, so every process of the run was killed. Look for an endless loop, or a promise or child process that never finishes.`;
  }
  if (end.processLimitHit) {
    return `stopped: more than ${end.maxProcesses} processes were running at once (a fork storm?), so every process of the run was killed. Look for a loop that starts processes.`;
  }
  return undefined;
}

function deathMessage(end: RunEnd): string {
  const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.exitCode}`;
  const hint = end.exitCode === 0 && !end.signal ? " Did the code call process.exit() (or Deno.exit()) in the middle of the tests?" : "";
  const stderr = end.stderr.trim();
  return `the test run ended before it reported its results: the test process ${how}.${hint}${stderr ? `\n\n${stderr.slice(-2000)}` : ""}`;
}

const keyOf = (path: readonly string[], name: string) => [...path, name].join(" > ");

function templateRegex(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // vitest/bun .each titles: printf placeholders (%s, %i, …) and $variable references.
  return new RegExp(`^${escaped.replace(/%[sdifjoOcp#%]/g, ".*").replace(/\\\$[\w.]+/g, ".*")}$`);
}

/** A test's display name: its describe path and title, without a leading task block (that is `task_id`). */
function displayName(path: readonly string[], name: string, taskId: number | undefined): string {
  const shown = taskId !== undefined && path.length > 0 && /^\d+\.\s/.test(path[0] ?? "") ? path.slice(1) : path;
  return keyOf(shown, name);
}

/** Puts the fields in the order of Exercism's documentation: name, status, message, output, test_code, task_id. */
function withTask(t: ExercismTest, taskId: number | undefined): ExercismTest {
  return {
    name: t.name,
    status: t.status,
    ...(t.message !== undefined ? { message: t.message } : {}),
    ...(t.output !== undefined ? { output: t.output } : {}),
    test_code: t.test_code,
    ...(taskId !== undefined ? { task_id: taskId } : {}),
  };
}

/**
 * Merges the static tests, the runner's report and the run's end into Exercism results.
 *
 * - Tests come in file order; `.each` templates expand into the cases the runner reported.
 * - Skipped tests are left out (Exercism has no "skipped").
 * - A timeout or fork storm makes the run `error` with "timed out after N s" / "stopped: …";
 *   tests that finished before keep their result, the others are `error`.
 * - A run that ended without a complete report (crash, `process.exit()` in a test) is `error`.
 * - A test file that failed to load (syntax error) is `error` with the loader's message.
 *
 * @param tests - the tests read from the test file(s), in file order.
 * @param report - what the runner reported.
 * @param end - how the run ended.
 * @param cleanPath - rewrites scratch paths in messages (e.g. to `<exercise>/homework.ts`).
 * @returns the results.
 *
 * @example
 * ```ts
 * import { buildResults } from "@multiproc/grader";
 * const results = buildResults(tests, report, end);
 * results.status; // "pass" | "fail" | "error"
 * ```
 */
export function buildResults(tests: readonly StaticTest[], report: RunnerReport, end: RunEnd, cleanPath: (s: string) => string = (s) => s): ExercismResults {
  const unused = report.cases.map((c, index) => ({ c, index, used: false }));
  type Row = { test: ExercismTest; order: number };
  const rows: Row[] = [];
  const take = (pred: (c: CaseOutcome) => boolean) => unused.filter((u) => !u.used && pred(u.c));
  const toTest = (c: CaseOutcome, code: string, taskId: number | undefined): ExercismTest => {
    const t: ExercismTest = { name: displayName(c.path, c.name, taskId), status: c.status === "skip" ? "pass" : c.status, test_code: code };
    if (c.status !== "pass" && c.message) t.message = cleanPath(c.message);
    if (c.output) t.output = truncateOutput(cleanPath(c.output));
    return withTask(t, taskId);
  };

  const problem = abnormalEnd(end) ?? (!report.finished ? deathMessage(end) : undefined);
  const loadError = report.loadErrors.length > 0 ? report.loadErrors.map(cleanPath).join("\n\n") : undefined;
  const outside = report.otherErrors.length > 0 ? report.otherErrors.map(cleanPath).join("\n\n") : undefined;
  // What a test that has no result gets: why the run did not get to it.
  const notRun = problem
    ? `did not finish: ${problem.slice(0, problem.indexOf(":") > 0 ? problem.indexOf(":") : undefined)}`
    : loadError
      ? `did not run: the test file failed to load.\n\n${loadError}`
      : outside
        ? `did not run: ${outside}`
        : undefined;

  tests.forEach((s, order) => {
    const key = keyOf(s.describePath, s.name);
    let matches = take((c) => keyOf(c.path, c.name) === key);
    if (s.each) {
      const re = templateRegex(s.name);
      matches = take((c) => keyOf(c.path, "") === keyOf(s.describePath, "") && (c.line === s.line || re.test(c.name)));
    } else matches = matches.slice(0, 1);
    for (const m of matches) {
      m.used = true;
      if (m.c.status !== "skip") rows.push({ test: toTest(m.c, s.code, s.taskId), order: order + m.index / 1e6 });
    }
    if (matches.length === 0 && notRun) {
      rows.push({ test: withTask({ name: displayName(s.describePath, s.name, s.taskId), status: "error", message: notRun, test_code: s.code }, s.taskId), order });
    }
  });
  // Reported tests the static reading did not find (e.g. titles built at run time): by line, else at the end.
  for (const u of unused) {
    if (u.used || u.c.status === "skip") continue;
    const after = u.c.line === undefined ? tests.length : tests.findIndex((s) => s.line > (u.c.line ?? 0));
    rows.push({ test: toTest(u.c, "", undefined), order: (after < 0 ? tests.length : after) - 0.5 + u.index / 1e6 });
  }
  rows.sort((a, b) => a.order - b.order);
  const out = rows.map((r) => r.test);

  if (problem) return { version: 3, status: "error", message: problem, tests: out };
  const ranSome = out.some((t) => t.status === "pass" || t.status === "fail");
  if (loadError && !ranSome) return { version: 3, status: "error", message: `the test file failed to load:\n\n${loadError}`, tests: out };
  if (outside && (!ranSome || out.every((t) => t.status === "pass"))) {
    return { version: 3, status: "error", message: `an error was raised outside any test:\n\n${outside}`, tests: out };
  }
  if (out.length === 0) return { version: 3, status: "error", message: "no tests ran: the test file defines no tests, or all of them were skipped.", tests: out };
  return { version: 3, status: out.every((t) => t.status === "pass") ? "pass" : "fail", tests: out };
}
