/**
 * Runs a workload: every system is measured `repeat` times, each time in a fresh child process,
 * in rounds (one measurement of each system per round) so that a slow drift of the machine
 * spreads over all systems instead of landing on one. Then computes each system's ratio against
 * the workload's reference system, measured in the same run.
 *
 * @module
 */
import { formatValue } from "./format.ts";
import { measureOnce } from "./measure.ts";
import { summarise, type Summary } from "./stats.ts";
import type { Detail, System, Workload } from "./types.ts";
import { referenceOf, systemKey } from "./workload.ts";

/** Default time limit for one measurement. */
const defaultTimeoutMs = 180_000;

/**
 * What happened to one system of a workload.
 *
 * @example
 * ```ts
 * const row: SystemResult = {
 *   system, status: "measured", samples: [27, 28], details: [{}, {}],
 *   summary: { median: 27.5, min: 27, max: 28, n: 2 }, ratio: 0.5,
 * };
 * ```
 */
export interface SystemResult {
  readonly system: System;
  /** `measured` with samples, `unavailable` (with why), or `error` (with what went wrong). */
  readonly status: "measured" | "unavailable" | "error";
  readonly reason?: string;
  /** One value per measurement, in the order measured. */
  readonly samples: readonly number[];
  /** The children's extra figures, one per measurement. */
  readonly details: readonly Detail[];
  readonly summary?: Summary;
  /** This system's median divided by the reference's median (1 for the reference itself). */
  readonly ratio?: number;
}

/**
 * The results of one workload.
 *
 * @example
 * ```ts
 * const r: WorkloadResult = await runWorkload(workload, { repeat: 5, quick: false });
 * console.log(r.rows.filter((row) => row.status === "measured").length, "systems measured");
 * ```
 */
export interface WorkloadResult {
  readonly workload: Workload;
  readonly reference: System;
  /** The parameters the systems were given. */
  readonly params: Readonly<Record<string, number>>;
  readonly rows: readonly SystemResult[];
  /** Wall-clock time of the whole workload. */
  readonly seconds: number;
}

/**
 * How to run a workload.
 *
 * @example
 * ```ts
 * const options: RunOptions = { repeat: 1, quick: true, log: (line) => console.error(line) };
 * ```
 */
export interface RunOptions {
  /** Measurements per system (at least 1). */
  readonly repeat: number;
  /** Use the workload's tiny `quick` parameters. */
  readonly quick: boolean;
  /** Receives a progress line after each measurement. */
  readonly log?: (line: string) => void;
}

interface Row {
  system: System;
  status: "measured" | "unavailable" | "error";
  reason?: string;
  samples: number[];
  details: Detail[];
}

/**
 * Measures every system of `workload` and computes the ratios.
 *
 * A system that is unavailable or fails is not measured again; its reason goes in its row.
 *
 * @param workload - a checked workload.
 * @param options - repeat count, quick mode and progress output.
 * @returns the results, rows in the workload's order.
 *
 * @example
 * ```ts
 * const result = await runWorkload(applyLatency, { repeat: 3, quick: false });
 * ```
 */
export async function runWorkload(workload: Workload, options: RunOptions): Promise<WorkloadResult> {
  const started = performance.now();
  const params = options.quick ? workload.params.quick : workload.params.full;
  const timeoutMs = workload.timeoutMs ?? defaultTimeoutMs;
  const rows: Row[] = workload.systems.map((system) => {
    const reason = system.unavailable?.();
    return reason === undefined
      ? { system, status: "measured", samples: [], details: [] }
      : { system, status: "unavailable", reason, samples: [], details: [] };
  });
  for (let round = 1; round <= options.repeat; round++) {
    for (const row of rows) {
      if (row.status !== "measured") continue;
      const m = await measureOnce(row.system, params, timeoutMs);
      const label = `${workload.name} ${round}/${options.repeat} ${row.system.runtime} ${row.system.name}`;
      if (m.kind === "value") {
        row.samples.push(m.value);
        row.details.push(m.detail);
        options.log?.(`  ${label}: ${formatValue(m.value)} ${workload.unit.label} (${m.seconds.toFixed(1)} s)`);
      } else {
        row.status = m.kind;
        row.reason = m.reason;
        options.log?.(`  ${label}: ${m.kind}: ${m.reason}`);
      }
    }
  }
  const reference = referenceOf(workload);
  const summaries = new Map(rows.map((r) => [r, r.status === "measured" && r.samples.length > 0 ? summarise(r.samples) : undefined]));
  const refRow = rows.find((r) => systemKey(r.system) === systemKey(reference));
  const refMedian = refRow === undefined ? undefined : summaries.get(refRow)?.median;
  const results: SystemResult[] = rows.map((r) => {
    const summary = summaries.get(r);
    const ratio = summary !== undefined && refMedian !== undefined && refMedian !== 0 ? summary.median / refMedian : undefined;
    return {
      system: r.system,
      status: r.status,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      samples: r.samples,
      details: r.details,
      ...(summary === undefined ? {} : { summary }),
      ...(ratio === undefined ? {} : { ratio }),
    };
  });
  return { workload, reference, params, rows: results, seconds: (performance.now() - started) / 1000 };
}
