/**
 * The exercise format: `exercises/NN-slug/` with `exercise.json` (metadata), `README.md`
 * (instructions with numbered tasks), `HINTS.md`, the stub(s) and the test file(s), and
 * `solutions/NN-slug/` with the reference version of the stub files. This module reads and
 * validates that format; it never runs anything.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ExerciseFormatError, UnknownExerciseError } from "./errors.ts";
import { parseTasks, type Task } from "./readme.ts";

/**
 * The runtimes an exercise can be graded on.
 *
 * @example
 * ```ts
 * import { RUNTIMES } from "@multiproc/grader";
 * RUNTIMES.includes("deno"); // true
 * ```
 */
export const RUNTIMES = ["node", "deno", "bun"] as const;
/**
 * A runtime an exercise can be graded on.
 *
 * @example
 * ```ts
 * const r: RuntimeName = "bun";
 * ```
 */
export type RuntimeName = (typeof RUNTIMES)[number];
/**
 * The contexts (how children run) an exercise can be graded in; see DESIGN.md §4.
 *
 * @example
 * ```ts
 * import { CONTEXTS } from "@multiproc/grader";
 * CONTEXTS; // ["thread", "process"]
 * ```
 */
export const CONTEXTS = ["thread", "process"] as const;
/**
 * A context an exercise can be graded in.
 *
 * @example
 * ```ts
 * const c: ContextName = "thread";
 * ```
 */
export type ContextName = (typeof CONTEXTS)[number];

/**
 * Processes a run may have alive at once unless `exercise.json` says otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_PROCESSES } from "@multiproc/grader";
 * const cap = exercise.meta.maxProcesses ?? DEFAULT_MAX_PROCESSES;
 * ```
 */
export const DEFAULT_MAX_PROCESSES = 32;

/**
 * The contents of `exercise.json`.
 *
 * @example
 * ```json
 * {
 *   "slug": "homework",
 *   "title": "A file's size, from one process to another",
 *   "concepts": ["process", "queue"],
 *   "difficulty": 2,
 *   "order": 1,
 *   "timeLimitSeconds": 30,
 *   "runtimes": ["node", "deno", "bun"],
 *   "contexts": ["process", "thread"],
 *   "files": { "stub": ["homework.ts"], "test": ["homework.test.ts"] }
 * }
 * ```
 */
export interface ExerciseMeta {
  /** Lower-case words joined by `-`; the folder is `NN-slug`. Unique in the course. */
  slug: string;
  /** What the learner sees in the table. */
  title: string;
  /** The ideas the exercise practises, e.g. `["process", "pipe"]`. */
  concepts: string[];
  /** 1 (easiest) to 10, as on Exercism. */
  difficulty: number;
  /** Position in the course; equals the folder's `NN`. */
  order: number;
  /** Wall-clock limit for one grading run (all tests of one runtime and context), in seconds. */
  timeLimitSeconds: number;
  /** Runtimes the exercise is graded on. */
  runtimes: RuntimeName[];
  /** Contexts the tests run in (handed over as `MULTIPROC_CONTEXT`); `[]` when it has none. */
  contexts: ContextName[];
  /** Which files the learner edits (`stub`, replaced by `solutions/NN-slug/<same name>`) and which are tests. */
  files: { stub: string[]; test: string[] };
  /** Most processes a run may have at once before it is stopped as a fork storm; default 32. */
  maxProcesses?: number;
}

/**
 * One exercise of the course, read from disk and validated.
 *
 * @example
 * ```ts
 * import { loadExercise } from "@multiproc/grader";
 * const ex = loadExercise("/work/main", "01-homework");
 * console.log(ex.meta.title, ex.tasks.length);
 * ```
 */
export interface Exercise {
  /** The folder name, `NN-slug`. */
  folder: string;
  /** Absolute path of `exercises/NN-slug`. */
  dir: string;
  /** Absolute path of `solutions/NN-slug` (it may not exist; `verify` reports that). */
  solutionDir: string;
  /** The validated metadata. */
  meta: ExerciseMeta;
  /** The numbered tasks of the README (`## 1. …`). */
  tasks: Task[];
}

/**
 * A folder name of the form `NN-slug`.
 *
 * @example
 * ```ts
 * import { FOLDER_PATTERN } from "@multiproc/grader";
 * FOLDER_PATTERN.exec("01-homework")?.[2]; // "homework"
 * ```
 */
export const FOLDER_PATTERN = /^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FILE_NAME_PATTERN = /^[\w.-]+$/;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/**
 * Checks parsed `exercise.json` contents against the format and the folder name. Returns every
 * problem found (empty when valid), so that `verify` can list them all at once.
 *
 * @param raw - the parsed JSON.
 * @param folder - the folder name, `NN-slug`, which slug and order must agree with.
 * @returns the problems, one sentence each.
 *
 * @example
 * ```ts
 * import { validateMeta } from "@multiproc/grader";
 * validateMeta({ slug: "x" }, "01-x"); // ["title must be a non-empty string", ...]
 * ```
 */
export function validateMeta(raw: unknown, folder: string): string[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return ["exercise.json must hold a JSON object"];
  const m = raw as Record<string, unknown>;
  const problems: string[] = [];
  const folderMatch = FOLDER_PATTERN.exec(folder);
  if (!folderMatch) problems.push(`the folder name "${folder}" is not of the form NN-slug (two digits, a dash, lower-case words joined by dashes)`);
  if (typeof m.slug !== "string" || !SLUG_PATTERN.test(m.slug)) problems.push("slug must be lower-case words joined by dashes, e.g. \"file-size\"");
  else if (folderMatch && folderMatch[2] !== m.slug) problems.push(`slug "${m.slug}" does not match the folder name "${folder}" (expected "${folderMatch[2]}")`);
  if (typeof m.title !== "string" || m.title.trim() === "") problems.push("title must be a non-empty string");
  if (!isStringArray(m.concepts) || m.concepts.length === 0) problems.push("concepts must be a non-empty array of strings");
  if (typeof m.difficulty !== "number" || !Number.isInteger(m.difficulty) || m.difficulty < 1 || m.difficulty > 10) {
    problems.push("difficulty must be an integer from 1 to 10");
  }
  if (typeof m.order !== "number" || !Number.isInteger(m.order) || m.order < 0) problems.push("order must be a non-negative integer");
  else if (folderMatch && Number(folderMatch[1]) !== m.order) problems.push(`order ${m.order} does not match the folder number ${folderMatch[1]}`);
  if (typeof m.timeLimitSeconds !== "number" || !(m.timeLimitSeconds > 0) || m.timeLimitSeconds > 600) {
    problems.push("timeLimitSeconds must be a number of seconds between 0 and 600");
  }
  if (!isStringArray(m.runtimes) || m.runtimes.length === 0 || !m.runtimes.every((r) => (RUNTIMES as readonly string[]).includes(r))) {
    problems.push(`runtimes must be a non-empty array of ${RUNTIMES.map((r) => `"${r}"`).join(", ")}`);
  } else if (new Set(m.runtimes).size !== m.runtimes.length) problems.push("runtimes lists a runtime twice");
  if (!isStringArray(m.contexts) || !m.contexts.every((c) => (CONTEXTS as readonly string[]).includes(c))) {
    problems.push(`contexts must be an array (possibly empty) of ${CONTEXTS.map((c) => `"${c}"`).join(", ")}`);
  } else if (new Set(m.contexts).size !== m.contexts.length) problems.push("contexts lists a context twice");
  const files = m.files as Record<string, unknown> | undefined;
  if (typeof files !== "object" || files === null) problems.push("files must be an object { stub: [...], test: [...] }");
  else {
    for (const key of ["stub", "test"] as const) {
      const list = files[key];
      if (!isStringArray(list) || list.length === 0) problems.push(`files.${key} must be a non-empty array of file names`);
      else for (const f of list) if (!FILE_NAME_PATTERN.test(f)) problems.push(`files.${key} entry "${f}" must be a plain file name in the exercise folder`);
    }
    if (isStringArray(files.stub) && isStringArray(files.test) && files.stub.some((f) => (files.test as string[]).includes(f))) {
      problems.push("a file cannot be both a stub and a test");
    }
  }
  if (m.maxProcesses !== undefined && (typeof m.maxProcesses !== "number" || !Number.isInteger(m.maxProcesses) || m.maxProcesses < 2)) {
    problems.push("maxProcesses, when given, must be an integer of at least 2");
  }
  return problems;
}

/**
 * Reads and validates one exercise: `exercise.json`, `README.md` (with at least one numbered
 * task) and the stub and test files it names.
 *
 * @param root - the course root (the folder holding `exercises/` and `solutions/`).
 * @param folder - the exercise folder name, `NN-slug`.
 * @returns the exercise.
 * @throws {ExerciseFormatError} listing every problem found.
 *
 * @example
 * ```ts
 * import { loadExercise } from "@multiproc/grader";
 * const ex = loadExercise(process.cwd(), "01-homework");
 * ```
 */
export function loadExercise(root: string, folder: string): Exercise {
  const dir = join(root, "exercises", folder);
  const problems: string[] = [];
  let meta: ExerciseMeta | undefined;
  const metaPath = join(dir, "exercise.json");
  if (!existsSync(metaPath)) problems.push("exercise.json is missing");
  else {
    try {
      const raw: unknown = JSON.parse(readFileSync(metaPath, "utf8"));
      const metaProblems = validateMeta(raw, folder);
      problems.push(...metaProblems);
      if (metaProblems.length === 0) meta = raw as ExerciseMeta;
    } catch (err) {
      problems.push(`exercise.json is not valid JSON: ${(err as Error).message}`);
    }
  }
  let tasks: Task[] = [];
  const readmePath = join(dir, "README.md");
  if (!existsSync(readmePath)) problems.push("README.md is missing");
  else {
    const readme = readFileSync(readmePath, "utf8");
    if (!/^# \S/m.test(readme)) problems.push("README.md has no title line (`# Title`)");
    const parsed = parseTasks(readme);
    tasks = parsed.tasks;
    problems.push(...parsed.problems.map((p) => `README.md: ${p}`));
  }
  if (meta) {
    for (const f of [...meta.files.stub, ...meta.files.test]) {
      if (!existsSync(join(dir, f))) problems.push(`${f} is named in exercise.json but missing from the folder`);
    }
  }
  if (problems.length > 0 || !meta) throw new ExerciseFormatError(folder, problems);
  return { folder, dir, solutionDir: join(root, "solutions", folder), meta, tasks };
}

/**
 * The exercise folders of a course, in course order (by their `NN`).
 *
 * @param root - the course root.
 * @returns folder names such as `01-homework`, sorted.
 *
 * @example
 * ```ts
 * import { listExerciseFolders } from "@multiproc/grader";
 * listExerciseFolders("/work/main"); // ["01-homework", "02-run-a-function", ...]
 * ```
 */
export function listExerciseFolders(root: string): string[] {
  const base = join(root, "exercises");
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((name) => statSync(join(base, name)).isDirectory() && /^\d/.test(name))
    .sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]) || a.localeCompare(b));
}

/**
 * The course: every exercise that loaded, in order, and the problems of those that did not.
 *
 * @example
 * ```ts
 * import { loadCourse } from "@multiproc/grader";
 * const { exercises, problems } = loadCourse("/work/main");
 * ```
 */
export interface Course {
  /** The course root. */
  root: string;
  /** The exercises that loaded, in course order. */
  exercises: Exercise[];
  /** Per folder, the errors of those that did not load. */
  broken: ExerciseFormatError[];
}

/**
 * Loads every exercise of a course, keeping the broken ones aside instead of stopping.
 *
 * @param root - the course root.
 * @returns the course.
 *
 * @example
 * ```ts
 * import { loadCourse } from "@multiproc/grader";
 * const course = loadCourse("/work/main");
 * console.log(course.exercises.map((e) => e.meta.slug));
 * ```
 */
export function loadCourse(root: string): Course {
  const exercises: Exercise[] = [];
  const broken: ExerciseFormatError[] = [];
  for (const folder of listExerciseFolders(root)) {
    try {
      exercises.push(loadExercise(root, folder));
    } catch (err) {
      if (err instanceof ExerciseFormatError) broken.push(err);
      else throw err;
    }
  }
  exercises.sort((a, b) => a.meta.order - b.meta.order || a.folder.localeCompare(b.folder));
  return { root, exercises, broken };
}

/**
 * Finds an exercise by slug (`homework`) or folder name (`01-homework`).
 *
 * @param course - the loaded course.
 * @param wanted - a slug or folder name.
 * @returns the exercise.
 * @throws {UnknownExerciseError} listing the known slugs.
 *
 * @example
 * ```ts
 * import { findExercise, loadCourse } from "@multiproc/grader";
 * const ex = findExercise(loadCourse("/work/main"), "homework");
 * ```
 */
export function findExercise(course: Course, wanted: string): Exercise {
  const found = course.exercises.find((e) => e.meta.slug === wanted || e.folder === wanted);
  if (found) return found;
  const brokenOne = course.broken.find((b) => b.folder === wanted || FOLDER_PATTERN.exec(b.folder)?.[2] === wanted);
  if (brokenOne) throw brokenOne;
  throw new UnknownExerciseError(wanted, course.exercises.map((e) => e.meta.slug));
}
