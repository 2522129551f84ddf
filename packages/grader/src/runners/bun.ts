/**
 * Runs an exercise's tests with `bun test` and reads the results from Bun's JUnit report.
 *
 * Bun has no permission model: the learner's code can read and write whatever the user running
 * the grader can, open the network and start any program. What the grader still does under Bun:
 *
 * - the run is sandboxed like every run (own process group, time limit, process cap, whole tree
 *   killed, TMPDIR in the run's private directory);
 * - the tests run in a separate worker process (`--parallel=1`), and the JUnit report is written
 *   by Bun's coordinating process after that worker is done, into the run's private directory,
 *   so code that writes a fake report is overwritten, and code that kills or exits the run leaves
 *   no report at all (→ `error`, never a pass);
 * - results are never read from the run's output, so printing fake test output changes nothing;
 * - the learner's `bunfig.toml` is not read (`--config` points at an empty one).
 *
 * What it cannot prevent: code that deliberately finds the report path (in the coordinator's
 * command line) and rewrites the report after Bun has written it, from a process that escaped
 * the run. Grading that must resist deliberate cheating under Bun needs an OS sandbox (a
 * container) around the grader.
 *
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ContextName } from "../exercise.ts";
import type { CaseOutcome, RunnerReport } from "../results.ts";
import { resolveRuntimeBinary } from "../runtimes.ts";
import type { SandboxOptions, SandboxResult } from "../sandbox.ts";
import type { Scratch } from "../scratch.ts";
import { parseJunit } from "./junit.ts";

const PRELOAD = fileURLToPath(new URL("./bun-output-preload.ts", import.meta.url));

/**
 * What is needed to start `bun test` for one run.
 *
 * @example
 * ```ts
 * const inv: BunInvocation = { scratch, workspace: "/work/main", testFiles: ["x.test.ts"], context: undefined, testTimeoutMs: 30_000 };
 * ```
 */
export interface BunInvocation {
  scratch: Scratch;
  workspace: string;
  testFiles: string[];
  context: ContextName | undefined;
  testTimeoutMs: number;
}

const paths = (scratch: Scratch) => ({
  junit: join(scratch.reportDir, "junit.xml"),
  output: join(scratch.reportDir, "output.jsonl"),
  bunfig: join(scratch.base, "bunfig.toml"),
});

/**
 * The command, arguments and environment that run the tests with `bun test`.
 *
 * @param inv - the run.
 * @param baseEnv - the environment to start from.
 * @returns the sandbox options without the limits.
 *
 * @example
 * ```ts
 * import { bunCommand } from "@multiproc/grader";
 * const { command, args } = bunCommand(inv, { PATH: process.env.PATH ?? "" });
 * ```
 */
export function bunCommand(inv: BunInvocation, baseEnv: Record<string, string>): Pick<SandboxOptions, "command" | "args" | "env" | "cwd"> {
  const p = paths(inv.scratch);
  writeFileSync(p.bunfig, "# the grader's own (empty) bunfig: the learner's bunfig.toml is not read\n");
  const env: Record<string, string> = { ...baseEnv, TMPDIR: inv.scratch.tmpDir, NO_COLOR: "1", FORCE_COLOR: "0", MULTIPROC_GRADER_BUN_OUTPUT: p.output };
  if (inv.context) env.MULTIPROC_CONTEXT = inv.context;
  const args = [
    "test",
    `--config=${p.bunfig}`,
    "--parallel=1",
    `--timeout=${inv.testTimeoutMs}`,
    `--preload=${PRELOAD}`,
    "--reporter=junit",
    `--reporter-outfile=${p.junit}`,
    ...inv.testFiles.map((f) => `./${f}`),
  ];
  return { command: resolveRuntimeBinary(inv.workspace, "bun"), args, env, cwd: inv.scratch.exerciseDir };
}

/**
 * Reads what a finished `bun test` run reported. The report counts only if Bun's coordinator
 * exited on its own with 0 (all passed) or 1 (some failed); a run that was killed, exited with
 * another code or wrote no report did not finish.
 *
 * @param scratch - the run's scratch copy.
 * @param end - how the sandboxed run ended.
 * @returns the report.
 *
 * @example
 * ```ts
 * import { collectBunReport } from "@multiproc/grader";
 * const report = collectBunReport(scratch, sandboxResult);
 * ```
 */
export function collectBunReport(scratch: Scratch, end: Pick<SandboxResult, "exitCode" | "signal" | "stderr">): RunnerReport {
  const p = paths(scratch);
  const report: RunnerReport = { finished: false, cases: [], loadErrors: [], otherErrors: [] };
  if (end.signal !== null || (end.exitCode !== 0 && end.exitCode !== 1) || !existsSync(p.junit)) return report;
  let junit;
  try {
    junit = parseJunit(readFileSync(p.junit, "utf8"));
  } catch {
    return report;
  }
  const outputs = new Map<number, string>();
  if (existsSync(p.output)) {
    for (const line of readFileSync(p.output, "utf8").split("\n")) {
      try {
        const rec = JSON.parse(line) as { index: number; output: string };
        outputs.set(rec.index, rec.output);
      } catch {
        // blank or torn line
      }
    }
  }
  let ran = 0;
  report.cases = junit.map((c): CaseOutcome => {
    const outcome: CaseOutcome = { path: c.path, name: c.name, status: c.status, output: c.status === "skip" ? "" : (outputs.get(ran++) ?? "") };
    if (c.line !== undefined) outcome.line = c.line;
    if (c.message) outcome.message = c.message;
    return outcome;
  });
  report.finished = true;
  // Bun reports a test file that fails to load as a run with no test cases and the error on stderr.
  if (report.cases.length === 0 && end.exitCode === 1) report.loadErrors.push(end.stderr.trim() || "bun test failed before running any test");
  return report;
}
