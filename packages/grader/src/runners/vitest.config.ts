/**
 * The vitest config of every grading run under Node and Deno. The grader passes it with
 * `--config`, so a `vitest.config.*` in the learner's folder is never read; the per-run settings
 * come from {@link SETTINGS_ENV}. Caches are off (each run starts from a fresh copy, and a cache
 * shared between runs could be poisoned by one learner run for the next).
 *
 * @module
 */
import { GraderReporter } from "./vitest-reporter.ts";
import { SETTINGS_ENV, type VitestSettings } from "./protocol.ts";

const settings = JSON.parse(process.env[SETTINGS_ENV] ?? "null") as VitestSettings | null;
if (!settings) throw new Error(`${SETTINGS_ENV} is not set; this config only runs under the multiproc grader.`);

/**
 * The config object vitest loads.
 *
 * @example
 * ```sh
 * vitest run --config packages/grader/src/runners/vitest.config.ts --root <exercise copy> --configLoader native
 * ```
 */
export default {
  test: {
    include: settings.include,
    pool: settings.pool,
    execArgv: settings.execArgv,
    maxWorkers: 1,
    fileParallelism: false,
    isolate: true,
    watch: false,
    testTimeout: settings.testTimeoutMs,
    hookTimeout: settings.testTimeoutMs,
    teardownTimeout: 2000,
    includeTaskLocation: true,
    reporters: [new GraderReporter()],
    cache: false,
    fsModuleCache: false,
    passWithNoTests: false,
    allowOnly: true,
  },
};
