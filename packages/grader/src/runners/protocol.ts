/**
 * The messages the grader's vitest reporter sends to the grader over the run's result channel
 * (a Unix socket, one JSON object per line), and the environment variables that configure a
 * vitest run. Shared by both ends so that they cannot drift apart.
 *
 * @module
 */

/**
 * Environment variable with the path of the result socket (read once by the reporter, then deleted).
 *
 * @example
 * ```ts
 * env[SOCKET_ENV] = join(scratch.reportDir, "results.sock");
 * ```
 */
export const SOCKET_ENV = "MULTIPROC_GRADER_SOCKET";
/**
 * Environment variable with the JSON {@link VitestSettings} for the grader's vitest config.
 *
 * @example
 * ```ts
 * env[SETTINGS_ENV] = JSON.stringify(settings);
 * ```
 */
export const SETTINGS_ENV = "MULTIPROC_GRADER_VITEST";

/**
 * Settings the grader passes to its vitest config file.
 *
 * @example
 * ```ts
 * const s: VitestSettings = { include: ["homework.test.ts"], pool: "forks", testTimeoutMs: 30_000, execArgv: [] };
 * ```
 */
export interface VitestSettings {
  /** Test files, relative to the exercise copy. */
  include: string[];
  /** `forks` (Node: the learner's code in a child process with `--permission`) or `threads` (Deno: in a worker, under the process's permissions). */
  pool: "forks" | "threads";
  /** Per-test and per-hook timeout. */
  testTimeoutMs: number;
  /** Extra arguments for the test worker processes (Node's permission flags). */
  execArgv: string[];
}

/**
 * A message of the result channel.
 *
 * @example
 * ```ts
 * const m: ReporterMessage = { t: "case", id: "a_0", name: "adds", path: ["1. Add"], line: 3, state: "passed", errors: [] };
 * ```
 */
export type ReporterMessage =
  | { t: "hello" }
  | { t: "log"; task: string | undefined; text: string }
  | { t: "case"; id: string; name: string; path: string[]; line: number | undefined; state: "passed" | "failed" | "skipped"; errors: string[] }
  | { t: "module"; file: string; errors: string[] }
  | { t: "end"; reason: string; unhandled: string[] };
