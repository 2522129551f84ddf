/**
 * The printed table of a workload's results: per system its median, min and max, and its ratio
 * against the reference system, with which way is better spelt out.
 *
 * @module
 */
import type { SystemResult, WorkloadResult } from "./runner.ts";
import type { BenchRuntime } from "./types.ts";
import { formatRatio, formatValue, verdict } from "./format.ts";
import { systemKey } from "./workload.ts";

function pad(cells: readonly string[], widths: readonly number[], rightAligned: ReadonlySet<number>): string {
  return cells
    .map((c, i) => {
      const w = widths[i] ?? c.length;
      return rightAligned.has(i) ? c.padStart(w) : c.padEnd(w);
    })
    .join("  ")
    .trimEnd();
}

/**
 * Renders one workload's results as text lines: a heading naming the unit, its direction and
 * the reference, then one row per system. Rows of systems that were not measured say why.
 *
 * @param result - the workload's results.
 * @param versions - runtime versions for the runtime column (e.g. `{ node: "24.21.0" }`).
 * @returns the lines, without trailing newlines.
 *
 * @example
 * ```ts
 * console.log(renderWorkload(result, { node: "24.21.0" }).join("\n"));
 * ```
 */
export function renderWorkload(result: WorkloadResult, versions: Partial<Record<BenchRuntime, string>>): string[] {
  const { workload, reference } = result;
  const unit = workload.unit;
  const direction = unit.higherIsBetter ? "higher is better" : "lower is better";
  const per = unit.perWhat === undefined ? "" : ` ${unit.perWhat}`;
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const refRow = result.rows.find((r) => systemKey(r.system) === systemKey(reference));
  const refNote =
    refRow?.summary !== undefined
      ? ""
      : ` — no ratios: the reference was not measured (${refRow?.reason ?? "no samples"})`;
  const lines = [
    `${workload.name}: ${workload.description}`,
    `  unit: ${unit.label}${per}, ${direction}; ratio = median / median of ${reference.name} (${reference.runtime})${refNote}`,
    `  parameters: ${params}; ${(result.seconds).toFixed(1)} s`,
  ];
  const header = ["system", "runtime", `median ${unit.label}`, "min", "max", "ratio", "vs reference"];
  const body = result.rows.map((r) => rowCells(r, result, versions));
  const measured = body.filter((cells) => cells.length === header.length);
  const widths = header.map((h, i) => Math.max(h.length, ...measured.map((c) => (c[i] ?? "").length)));
  // Unmeasured rows only need the first two columns to line up.
  for (const cells of body) {
    widths[0] = Math.max(widths[0] ?? 0, (cells[0] ?? "").length);
    widths[1] = Math.max(widths[1] ?? 0, (cells[1] ?? "").length);
  }
  const right = new Set([2, 3, 4, 5]);
  lines.push(`  ${pad(header, widths, right)}`);
  for (const cells of body) {
    lines.push(cells.length === header.length ? `  ${pad(cells, widths, right)}` : `  ${pad(cells, widths, new Set())}`);
  }
  return lines;
}

function rowCells(r: SystemResult, result: WorkloadResult, versions: Partial<Record<BenchRuntime, string>>): string[] {
  const version = versions[r.system.runtime];
  const runtime = version === undefined ? r.system.runtime : `${r.system.runtime} ${version}`;
  if (r.summary === undefined) {
    const why = r.status === "error" ? `error: ${r.reason ?? "unknown"}` : `skipped: ${r.reason ?? "not measured"}`;
    return [r.system.name, runtime, why];
  }
  const s = r.summary;
  const isRef = systemKey(r.system) === systemKey(result.reference);
  const ratio = r.ratio === undefined ? "—" : formatRatio(r.ratio);
  const vs = isRef ? "reference" : r.ratio === undefined ? "—" : verdict(r.ratio, result.workload.unit.higherIsBetter);
  return [r.system.name, runtime, formatValue(s.median), formatValue(s.min), formatValue(s.max), ratio, vs];
}
