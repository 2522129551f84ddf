/**
 * The scratch copy a run works in. The exercise folder is copied into a fresh private directory
 * (mode 0700), with the learner's stub or the reference solution put in place, so that the test
 * file is never edited and nothing of a run survives into the next:
 *
 * ```
 * <tmp>/multiproc-grade-XXXX/      the run's private directory
 *   pnpm-workspace.yaml            stops vite's search for a workspace root here (see below)
 *   node_modules/                  vitest's API token (vitest writes it under the workspace root)
 *   report/                        the Bun runner's report; never readable by the learner's runner under Deno/Node permissions
 *   tmp/                           TMPDIR of the run: the one place the learner's code may write
 *   exercise/                      the copy: tests, stub or solution, data files
 *     package.json                 { "type": "module" } unless the exercise has its own
 *     node_modules/@multiproc/*    symlinks to the workspace packages
 *     node_modules/vitest          symlink to the workspace's vitest
 * ```
 *
 * vite looks for a workspace root by walking up from the exercise copy; under Deno's
 * permissions a look outside the allowed paths is an error, not a "no", so the marker file keeps
 * the walk inside the run's directory.
 *
 * @module
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { GraderError } from "./errors.ts";
import type { Exercise } from "./exercise.ts";
import { resolvePackageDir } from "./runtimes.ts";

/**
 * Which code is graded: the learner's files as they are, or the reference solution put in place of the stub.
 *
 * @example
 * ```ts
 * const v: Variant = "solution";
 * ```
 */
export type Variant = "learner" | "solution";

/**
 * A prepared scratch copy.
 *
 * @example
 * ```ts
 * const s = prepareScratch(exercise, "solution", "/work/main");
 * try { … } finally { s.remove(); }
 * ```
 */
export interface Scratch {
  /** The run's private directory. */
  base: string;
  /** The exercise copy (the tests' working directory). */
  exerciseDir: string;
  /** TMPDIR of the run. */
  tmpDir: string;
  /** Where runners put their reports. */
  reportDir: string;
  /** Deletes everything. */
  remove(): void;
}

/** Files of the exercise folder that are not copied (grader state, installed packages). */
const SKIP = new Set(["node_modules", ".grader-results"]);

/**
 * The `@multiproc/*` packages of the workspace, by name, with their folders.
 *
 * @param workspace - the workspace root.
 * @returns e.g. `[["@multiproc/core", "/work/main/packages/core"], …]`.
 *
 * @example
 * ```ts
 * import { workspacePackages } from "@multiproc/grader";
 * workspacePackages("/work/main").map(([name]) => name);
 * ```
 */
export function workspacePackages(workspace: string): Array<[string, string]> {
  const dir = join(workspace, "packages");
  if (!existsSync(dir)) return [];
  const found: Array<[string, string]> = [];
  for (const entry of readdirSync(dir)) {
    const pkg = join(dir, entry, "package.json");
    if (!existsSync(pkg)) continue;
    const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name;
    if (name?.startsWith("@multiproc/")) found.push([name, join(dir, entry)]);
  }
  return found;
}

/**
 * Makes the scratch copy of an exercise for one run.
 *
 * @param exercise - the exercise.
 * @param variant - `learner` (the folder as it is) or `solution` (stub files replaced by `solutions/NN-slug/<same name>`).
 * @param workspace - the workspace root (packages and vitest are linked from there).
 * @returns the scratch copy.
 * @throws {GraderError} when a solution file is missing.
 *
 * @example
 * ```ts
 * import { prepareScratch } from "@multiproc/grader";
 * const s = prepareScratch(exercise, "learner", "/work/main");
 * ```
 */
export function prepareScratch(exercise: Exercise, variant: Variant, workspace: string): Scratch {
  const base = mkdtempSync(join(tmpdir(), "multiproc-grade-"));
  const remove = () => rmSync(base, { recursive: true, force: true });
  try {
    const exerciseDir = join(base, "exercise");
    const tmpDir = join(base, "tmp");
    const reportDir = join(base, "report");
    for (const d of [tmpDir, reportDir, join(base, "node_modules")]) mkdirSync(d);
    writeFileSync(join(base, "pnpm-workspace.yaml"), "# marks the end of vite's workspace-root search for this grading run\n");
    cpSync(exercise.dir, exerciseDir, { recursive: true, dereference: true, filter: (src) => src === exercise.dir || !SKIP.has(basename(src)) });
    if (variant === "solution") {
      for (const file of exercise.meta.files.stub) {
        const from = join(exercise.solutionDir, file);
        if (!existsSync(from)) throw new GraderError(`the solution of ${exercise.folder} has no ${file} (expected ${from})`);
        copyFileSync(from, join(exerciseDir, file));
      }
    }
    if (!existsSync(join(exerciseDir, "package.json"))) {
      writeFileSync(join(exerciseDir, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
    }
    const modules = join(exerciseDir, "node_modules");
    mkdirSync(join(modules, "@multiproc"), { recursive: true });
    for (const [name, dir] of workspacePackages(workspace)) symlinkSync(dir, join(modules, name), "dir");
    symlinkSync(resolvePackageDir(workspace, "vitest"), join(modules, "vitest"), "dir");
    return { base, exerciseDir, tmpDir, reportDir, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
