/**
 * `pnpm bench [name-filter…] [--repeat N] [--quick] [--json out.json] [--list]`: runs the
 * workloads in `bench/workloads/`, each system measured N times in fresh child processes, and
 * prints per system the median, min and max and the ratio against the workload's reference system
 * measured in the same run.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs, usage } from "./src/args.ts";
import { BenchUsageError } from "./src/errors.ts";
import { runWorkload, type WorkloadResult } from "./src/runner.ts";
import { runtimeCommand, runtimeVersion } from "./src/runtimes.ts";
import { renderWorkload } from "./src/table.ts";
import { toJson } from "./src/json.ts";
import type { BenchRuntime } from "./src/types.ts";
import { workloads } from "./workloads/index.ts";

async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof BenchUsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  if (options.help) {
    console.log(usage);
    return 0;
  }
  const chosen = workloads.filter((w) => options.filters.length === 0 || options.filters.some((f) => w.name.includes(f)));
  if (chosen.length === 0) {
    console.error(`no workload matches ${options.filters.join(", ")}; there are: ${workloads.map((w) => w.name).join(", ")}`);
    return 2;
  }
  if (options.list) {
    for (const w of chosen) {
      console.log(`${w.name}: ${w.description} (reference: ${w.reference})`);
      for (const s of w.systems) console.log(`  ${s.runtime.padEnd(6)} ${s.name}`);
    }
    return 0;
  }
  const used = [...new Set(chosen.flatMap((w) => w.systems.map((s) => s.runtime)))] as BenchRuntime[];
  const versions: Partial<Record<BenchRuntime, string>> = {};
  for (const rt of used) {
    const v = runtimeVersion(rt);
    if (v !== undefined) versions[rt] = v;
  }
  const missing = used.filter((rt) => !runtimeCommand(rt).available);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  // Not multiproc's cpuCount(): importing @multiproc/core on Node turns Node's compile cache on
  // for every child of this process (it sets NODE_COMPILE_CACHE), and the measuring children must
  // see the environment as it is.
  console.log(
    `multiproc bench: ${availableParallelism()} CPUs (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
      `${used.map((rt) => `${rt} ${versions[rt] ?? "(unavailable)"}`).join(", ")}; ` +
      `${options.repeat} measurement${options.repeat === 1 ? "" : "s"} per system${options.quick ? ", --quick" : ""}`,
  );
  const [load] = loadavg();
  if (load !== undefined && load > 0.5) {
    console.log(`  note: the load average is ${load.toFixed(2)} before starting; other processes are using the CPUs, so figures will be noisy`);
  }
  for (const rt of missing) {
    const cmd = runtimeCommand(rt);
    if (!cmd.available) console.log(`  ${rt} rows are skipped: ${cmd.reason}`);
  }
  const started = performance.now();
  const results: WorkloadResult[] = [];
  for (const w of chosen) {
    console.error(`running ${w.name} (${w.systems.length} systems × ${options.repeat})…`);
    const result = await runWorkload(w, { repeat: options.repeat, quick: options.quick, log: (line) => console.error(line) });
    results.push(result);
    console.log(`\n${renderWorkload(result, versions).join("\n")}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n${chosen.length} workload${chosen.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s`);
  if (options.json !== undefined) {
    const path = resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
    const facts = { versions, repeat: options.repeat, quick: options.quick, seconds, loadBefore: load ?? 0, loadAfter: loadavg()[0] ?? 0 };
    writeFileSync(path, `${JSON.stringify(toJson(results, facts), null, 2)}\n`);
    console.log(`wrote ${path}`);
  }
  return 0;
}

process.exitCode = await main();
