/**
 * The `--json` output: every sample of every system, with the machine and runtimes it ran on,
 * so that runs can be compared later.
 *
 * @module
 */
import { cpus, platform, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import type { WorkloadResult } from "./runner.ts";
import type { BenchRuntime } from "./types.ts";

/**
 * Facts about the run that go at the top of the JSON file.
 *
 * @example
 * ```ts
 * const run: RunFacts = { versions: { node: "24.21.0" }, repeat: 5, quick: false, seconds: 312.4, loadBefore: 0.1, loadAfter: 1.9 };
 * ```
 */
export interface RunFacts {
  readonly versions: Partial<Record<BenchRuntime, string>>;
  readonly repeat: number;
  readonly quick: boolean;
  readonly seconds: number;
  /** One-minute load average when the run started and when it ended: other work skews figures. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/**
 * Turns results into a plain JSON-ready object (schema version 1).
 *
 * @param results - the workloads' results.
 * @param run - facts about the run.
 * @returns an object for `JSON.stringify`.
 *
 * @example
 * ```ts
 * writeFileSync("bench.json", JSON.stringify(toJson(results, run), null, 2));
 * ```
 */
export function toJson(results: readonly WorkloadResult[], run: RunFacts): object {
  return {
    schema: 1,
    date: new Date().toISOString(),
    machine: {
      platform: `${platform()} ${release()}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
    },
    runtimes: run.versions,
    repeat: run.repeat,
    quick: run.quick,
    seconds: run.seconds,
    loadAverage: { before: run.loadBefore, after: run.loadAfter },
    workloads: results.map((r) => ({
      name: r.workload.name,
      description: r.workload.description,
      unit: r.workload.unit,
      reference: { name: r.reference.name, runtime: r.reference.runtime },
      params: r.params,
      seconds: r.seconds,
      systems: r.rows.map((row) => ({
        name: row.system.name,
        runtime: row.system.runtime,
        program: fileURLToPath(row.system.script),
        args: row.system.args ?? [],
        env: Object.fromEntries(Object.entries(row.system.env ?? {}).map(([k, v]) => [k, v ?? null])),
        status: row.status,
        reason: row.reason ?? null,
        samples: row.samples,
        details: row.details,
        median: row.summary?.median ?? null,
        min: row.summary?.min ?? null,
        max: row.summary?.max ?? null,
        ratio: row.ratio ?? null,
      })),
    })),
  };
}
