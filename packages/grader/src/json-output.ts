/**
 * Writes results for machines: `<dir>/<slug>/<runtime>[-<context>]/results.json`, one Exercism
 * test-runner file (version 3) per exercise and runtime (and context, for exercises that have
 * contexts). The schema of those files ships as `schema/results.schema.json`.
 *
 * @module
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type RunOutcome, runLabel } from "./grade.ts";

/**
 * Where the results of one run go under a `--json` directory.
 *
 * @param dir - the `--json` directory.
 * @param outcome - the run.
 * @returns the path of its `results.json`.
 *
 * @example
 * ```ts
 * import { resultsPath } from "@multiproc/grader";
 * resultsPath("out", outcome); // "out/homework/node-process/results.json"
 * ```
 */
export function resultsPath(dir: string, outcome: RunOutcome): string {
  return join(dir, outcome.plan.exercise.meta.slug, runLabel(outcome.plan.runtime, outcome.plan.context), "results.json");
}

/**
 * Writes one `results.json` per run (atomically: a reader never sees half a file).
 *
 * @param dir - the `--json` directory (created if needed).
 * @param outcomes - the runs.
 * @returns the paths written.
 *
 * @example
 * ```ts
 * import { writeResultsFiles } from "@multiproc/grader";
 * writeResultsFiles(".grader-results/json", outcomes);
 * ```
 */
export function writeResultsFiles(dir: string, outcomes: readonly RunOutcome[]): string[] {
  return outcomes.map((o) => {
    const path = resultsPath(dir, o);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(`${path}.tmp`, `${JSON.stringify(o.results, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
    return path;
  });
}
