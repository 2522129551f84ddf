/**
 * The errors the grader throws. Each names what is wrong and what to do about it; the CLI prints
 * the message and exits with code 2 (a problem with the command or the course, not with the
 * learner's code, which is never an error of the grader but a `fail`/`error` result).
 *
 * @module
 */

/**
 * Base class of every error the grader throws on purpose, so that the CLI can tell them from bugs.
 *
 * @example
 * ```ts
 * import { GraderError } from "@multiproc/grader";
 * try {
 *   await main(["grade", "no-such-exercise"]);
 * } catch (err) {
 *   if (err instanceof GraderError) console.error(err.message);
 * }
 * ```
 */
export class GraderError extends Error {
  /** @param message - what went wrong and what to do instead. */
  constructor(message: string) {
    super(message);
    this.name = "GraderError";
  }
}

/**
 * The command line could not be understood: an unknown command or option, or a missing value.
 *
 * @example
 * ```ts
 * import { parseCommandLine, UsageError } from "@multiproc/grader";
 * try {
 *   parseCommandLine(["grade", "--runtime", "java"]);
 * } catch (err) {
 *   if (err instanceof UsageError) console.error(err.message); // lists the valid runtimes
 * }
 * ```
 */
export class UsageError extends GraderError {
  /** @param message - what was wrong with the command line. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * An exercise folder does not follow the exercise format: missing or invalid `exercise.json`,
 * missing README, stub or test file. The message lists every problem found.
 *
 * @example
 * ```ts
 * import { ExerciseFormatError, loadExercise } from "@multiproc/grader";
 * try {
 *   loadExercise("/course", "01-homework");
 * } catch (err) {
 *   if (err instanceof ExerciseFormatError) console.error(err.problems.join("\n"));
 * }
 * ```
 */
export class ExerciseFormatError extends GraderError {
  /** The exercise folder name, e.g. `01-homework`. */
  readonly folder: string;
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];
  /**
   * @param folder - the exercise folder name, e.g. `01-homework`.
   * @param problems - every problem found.
   */
  constructor(folder: string, problems: readonly string[]) {
    super(`exercise ${folder} is not in the exercise format:\n  - ${problems.join("\n  - ")}\nSee packages/grader/README.md for the format.`);
    this.name = "ExerciseFormatError";
    this.folder = folder;
    this.problems = problems;
  }
}

/**
 * No exercise has the slug or folder name that was asked for.
 *
 * @example
 * ```ts
 * import { findExercise, UnknownExerciseError } from "@multiproc/grader";
 * try {
 *   findExercise(course, "homwork");
 * } catch (err) {
 *   if (err instanceof UnknownExerciseError) console.error(err.message); // lists the known slugs
 * }
 * ```
 */
export class UnknownExerciseError extends GraderError {
  /**
   * @param wanted - the slug that was asked for.
   * @param known - the slugs that exist.
   */
  constructor(wanted: string, known: readonly string[]) {
    super(
      `no exercise "${wanted}". ` +
        (known.length > 0 ? `Known exercises: ${known.join(", ")}.` : "The course has no exercises yet (no exercises/NN-slug/ folders)."),
    );
    this.name = "UnknownExerciseError";
  }
}

/**
 * A runtime the grader needs (Deno or Bun, from the workspace's devDependencies) is not
 * installed.
 *
 * @example
 * ```ts
 * import { resolveRuntimeBinary, RuntimeUnavailableError } from "@multiproc/grader";
 * try {
 *   resolveRuntimeBinary("/work/main", "deno");
 * } catch (err) {
 *   if (err instanceof RuntimeUnavailableError) console.error(err.message); // says to run pnpm install
 * }
 * ```
 */
export class RuntimeUnavailableError extends GraderError {
  /**
   * @param runtime - `node`, `deno` or `bun`.
   * @param detail - what was looked for and where.
   */
  constructor(runtime: string, detail: string) {
    super(`cannot run ${runtime}: ${detail}. Run \`npx pnpm@12.21.0 install\` in the workspace root first.`);
    this.name = "RuntimeUnavailableError";
  }
}
