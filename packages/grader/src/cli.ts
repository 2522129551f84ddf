/**
 * The grader's command line, run by the workspace's `grade`, `verify` and `hint` scripts:
 *
 * ```
 * node packages/grader/src/cli.ts grade [<slug>] [--runtime node|deno|bun|all] [--context thread|process|all] [--json <dir>]
 * node packages/grader/src/cli.ts verify [--runtime node|deno|bun|all]
 * node packages/grader/src/cli.ts hint <slug> [--reset]
 * ```
 *
 * Every command takes `--root <dir>` (the course: the folder with `exercises/` and
 * `solutions/`; default the workspace root) and `--jobs <n>` (runs at once).
 *
 * Exit codes: `grade` 0 when everything graded passes, 1 otherwise, and with `--json` 0 whenever
 * the results were written; `verify` 0 when there is no problem, 1 otherwise; 2 for a usage
 * error or a course that cannot be read.
 *
 * @module
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GraderError, UsageError } from "./errors.ts";
import { type ContextName, CONTEXTS, findExercise, loadCourse, type RuntimeName, RUNTIMES } from "./exercise.ts";
import { defaultJobs, gradeAll, planRuns, type RunOutcome } from "./grade.ts";
import { nextHint, parseHints } from "./hints.ts";
import { writeResultsFiles } from "./json-output.ts";
import { courseReport, exerciseReport, planName, progressLine } from "./report.ts";
import { verifyCourse } from "./verify.ts";

/**
 * The workspace root: where this package, the `@multiproc/*` packages and the runtimes are.
 *
 * @example
 * ```ts
 * import { WORKSPACE } from "@multiproc/grader";
 * console.log(WORKSPACE); // "/work/main"
 * ```
 */
export const WORKSPACE = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");

/** How learners are told to run the grader's commands. */
const PNPM = "npx pnpm@12.21.0";

const USAGE = `Usage:
  grade [<slug>] [--runtime node|deno|bun|all] [--context thread|process|all] [--json <dir>]
      Grade every exercise (a table, and what to do next), or one exercise (every failing
      test with its message and your output). --json writes Exercism results.json files to
      <dir>/<slug>/<runtime>[-<context>]/ and exits 0.
  verify [--runtime node|deno|bun|all]
      The course authors' self-check: every solution passes and every untouched stub fails,
      on every runtime and context each exercise declares; the course is well-formed.
  hint <slug> [--reset]
      Show the next hint for an exercise (--reset starts over).

Options for every command:
  --root <dir>   the course: the folder with exercises/ and solutions/ (default: the workspace root)
  --jobs <n>     how many runs at once (default: ${defaultJobs()})
  --help         this text`;

/**
 * A parsed command line.
 *
 * @example
 * ```ts
 * const cl: CommandLine = { command: "grade", slug: "homework", runtime: "node", context: undefined,
 *   json: undefined, jobs: 2, root: "/work/main", reset: false };
 * ```
 */
export interface CommandLine {
  command: "grade" | "verify" | "hint" | "help";
  slug: string | undefined;
  runtime: RuntimeName | "all";
  context: ContextName | "all" | undefined;
  json: string | undefined;
  jobs: number;
  root: string;
  reset: boolean;
}

/**
 * Parses the grader's arguments.
 *
 * @param argv - the arguments after the script, e.g. `["grade", "homework", "--runtime", "all"]`.
 * @returns the command line.
 * @throws {UsageError} for an unknown command or option, or an invalid value.
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "@multiproc/grader";
 * parseCommandLine(["grade", "--runtime", "all"]).runtime; // "all"
 * ```
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        runtime: { type: "string" },
        context: { type: "string" },
        json: { type: "string" },
        jobs: { type: "string" },
        root: { type: "string" },
        reset: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, slug, ...extra] = positionals;
  if (values.help || command === undefined || command === "help") {
    return { command: "help", slug: undefined, runtime: "node", context: undefined, json: undefined, jobs: 1, root: WORKSPACE, reset: false };
  }
  if (command !== "grade" && command !== "verify" && command !== "hint") throw new UsageError(`unknown command "${command}".\n\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}".\n\n${USAGE}`);
  if (command === "hint" && !slug) throw new UsageError(`hint needs an exercise: hint <slug>.\n\n${USAGE}`);
  if (command === "verify" && slug) throw new UsageError(`verify checks the whole course; it takes no exercise.\n\n${USAGE}`);
  const runtime = values.runtime ?? (command === "verify" ? "all" : "node");
  if (runtime !== "all" && !(RUNTIMES as readonly string[]).includes(runtime)) {
    throw new UsageError(`--runtime must be one of ${[...RUNTIMES, "all"].join(", ")}, not "${runtime}"`);
  }
  const context = values.context;
  if (context !== undefined && context !== "all" && !(CONTEXTS as readonly string[]).includes(context)) {
    throw new UsageError(`--context must be one of ${[...CONTEXTS, "all"].join(", ")}, not "${context}"`);
  }
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a positive integer, not "${values.jobs}"`);
  const root = resolve(values.root ?? WORKSPACE);
  if (!existsSync(root)) throw new UsageError(`--root ${root} does not exist`);
  return {
    command,
    slug,
    runtime: runtime as RuntimeName | "all",
    context: context as ContextName | "all" | undefined,
    json: values.json === undefined ? undefined : resolve(values.json),
    jobs,
    root,
    reset: values.reset ?? false,
  };
}

/**
 * Where the CLI writes: results and reports to `out`, progress and notes to `err`.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const io: Output = { out: (t) => lines.push(t), err: () => {}, interactive: false };
 * await main(["grade"], io);
 * ```
 */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `err` is a terminal (progress is then redrawn in place). */
  interactive: boolean;
}

const defaultOutput: Output = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  interactive: process.stderr.isTTY === true,
};

function progress(io: Output) {
  let running = "";
  return {
    begin(name: string) {
      running = name;
      if (io.interactive) io.err(`\r\u001b[K  running ${running} …`);
    },
    done(outcome: RunOutcome, done: number, total: number) {
      io.err(`${io.interactive ? "\r\u001b[K" : ""}${progressLine(outcome, done, total)}\n`);
    },
  };
}

async function grade(cl: CommandLine, io: Output): Promise<number> {
  const course = loadCourse(cl.root);
  const exercises = cl.slug ? [findExercise(course, cl.slug)] : course.exercises;
  if (!cl.slug) for (const b of course.broken) io.err(`warning: ${b.message}\n`);
  const plans = planRuns(exercises, cl.runtime, cl.context, "learner");
  if (plans.length === 0) {
    if (exercises.length === 0) throw new GraderError(`the course at ${cl.root} has no exercises to grade (no exercises/NN-slug/ folders).`);
    const declared = exercises.map((e) => `${e.meta.slug}: runtimes ${e.meta.runtimes.join(", ")}; contexts ${e.meta.contexts.join(", ") || "none"}`).join("\n  ");
    throw new UsageError(`nothing to grade with --runtime ${cl.runtime}${cl.context ? ` --context ${cl.context}` : ""}; the exercises declare:\n  ${declared}`);
  }
  io.err(`Grading ${exercises.length} exercise${exercises.length === 1 ? "" : "s"} (${plans.length} run${plans.length === 1 ? "" : "s"}, ${cl.jobs} at a time)…\n`);
  const p = progress(io);
  const outcomes = await gradeAll(plans, { workspace: WORKSPACE }, cl.jobs, (o, n) => p.done(o, n, plans.length), (plan) => p.begin(planName(plan)));
  if (cl.json) {
    const written = writeResultsFiles(cl.json, outcomes);
    io.err(`wrote ${written.length} results.json file${written.length === 1 ? "" : "s"} under ${cl.json}\n`);
  }
  io.out(`\n${cl.slug ? exerciseReport(outcomes) : courseReport(exercises, outcomes, `${PNPM} hint`)}\n`);
  if (cl.json) return 0;
  return outcomes.every((o) => o.results.status === "pass") ? 0 : 1;
}

async function verify(cl: CommandLine, io: Output): Promise<number> {
  const course = loadCourse(cl.root);
  io.err(`Verifying ${course.exercises.length + course.broken.length} exercises: solutions must pass and untouched stubs must fail, on every declared runtime and context…\n`);
  const p = progress(io);
  const { problems, outcomes, retried } = await verifyCourse(course, { workspace: WORKSPACE }, cl.runtime, cl.jobs, (o, n, total) => p.done(o, n, total));
  const seconds = (outcomes.reduce((n, o) => n + o.durationMs, 0) / 1000).toFixed(1);
  if (retried.length > 0) io.out(`\nmade again after the runtime crashed:\n${retried.map((x) => `  - ${x}`).join("\n")}\n`);
  if (problems.length === 0) {
    if (course.exercises.length === 0) io.out(`\nverify: OK — the course at ${cl.root} has no exercises yet (no exercises/NN-slug/ folders).\n`);
    else io.out(`\nverify: OK — ${course.exercises.length} exercises, ${outcomes.length} runs (${seconds} s of runs), no problems.\n`);
    return 0;
  }
  io.out(`\nverify: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((x) => `  - ${x}`).join("\n")}\n`);
  return 1;
}

function hint(cl: CommandLine, io: Output): number {
  const ex = findExercise(loadCourse(cl.root), cl.slug ?? "");
  const path = join(ex.dir, "HINTS.md");
  const hints = existsSync(path) ? parseHints(readFileSync(path, "utf8")) : [];
  if (hints.length === 0) {
    io.out(`${ex.meta.title} has no hints. Read exercises/${ex.folder}/README.md, and run \`${PNPM} grade ${ex.meta.slug}\` to see which tests fail.\n`);
    return 0;
  }
  const { hint: h, number, total } = nextHint(cl.root, ex.meta.slug, hints, cl.reset);
  if (!h) {
    io.out(`You have seen all ${total} hints for ${ex.meta.title}. \`${PNPM} hint ${ex.meta.slug} --reset\` starts over.\n`);
    return 0;
  }
  io.out(`Hint ${number} of ${total} for ${ex.meta.title}: ${h.title}\n\n${h.body}\n`);
  if (number < total) io.out(`\n(\`${PNPM} hint ${ex.meta.slug}\` again for the next one.)\n`);
  return 0;
}

/**
 * Runs the grader's command line.
 *
 * @param argv - the arguments after the script.
 * @param io - where to write (default: stdout and stderr).
 * @returns the exit code.
 *
 * @example
 * ```ts
 * import { main } from "@multiproc/grader";
 * process.exitCode = await main(["grade", "homework"]);
 * ```
 */
export async function main(argv: readonly string[], io: Output = defaultOutput): Promise<number> {
  try {
    const cl = parseCommandLine(argv);
    if (cl.command === "help") {
      io.out(`${USAGE}\n`);
      return 0;
    }
    if (cl.command === "grade") return await grade(cl, io);
    if (cl.command === "verify") return await verify(cl, io);
    return hint(cl, io);
  } catch (err) {
    if (err instanceof GraderError) {
      io.err(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) process.exitCode = await main(process.argv.slice(2));
