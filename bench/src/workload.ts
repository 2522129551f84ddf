/**
 * Helpers for writing workload files in `bench/workloads/`: {@link defineWorkload} checks a
 * definition, {@link jsSystem} and {@link pythonSystem} build system rows in one line each.
 *
 * @module
 */
import { WorkloadDefinitionError } from "./errors.ts";
import type { BenchRuntime, System, Workload } from "./types.ts";

/** Where the JavaScript measuring programs live. */
const systemsDir = new URL("./systems/", import.meta.url);
/** Where the Python measuring programs live. */
const pythonDir = new URL("../python/", import.meta.url);

/**
 * The JavaScript runtimes, in the order rows are listed.
 *
 * @example
 * ```ts
 * for (const rt of jsRuntimes) console.log(rt); // node, deno, bun
 * ```
 */
export const jsRuntimes = ["node", "deno", "bun"] as const;

/**
 * One of {@link jsRuntimes}.
 *
 * @example
 * ```ts
 * const rt: JsRuntime = "bun";
 * ```
 */
export type JsRuntime = (typeof jsRuntimes)[number];

/**
 * Optional parts of a system row.
 *
 * @example
 * ```ts
 * const unset: SystemOptions = { args: ["fork"], env: { NODE_EXTRA_CA_CERTS: undefined } };
 * ```
 */
export interface SystemOptions {
  /** Arguments before the parameters' JSON, e.g. the variant to run. */
  readonly args?: readonly string[];
  /** Environment changes: a string sets, `undefined` removes. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Why the row cannot run here, or `undefined` when it can. */
  readonly unavailable?: () => string | undefined;
}

/**
 * A system measured by a JavaScript program in `bench/src/systems/`.
 *
 * @param runtime - the runtime the measuring child runs on.
 * @param name - the row label.
 * @param program - file name inside `bench/src/systems/`, e.g. `"pool-map.ts"`.
 * @param options - arguments, environment and availability.
 * @returns the system row.
 *
 * @example
 * ```ts
 * const row = jsSystem("node", "piscina", "pool-map.ts", { args: ["piscina"] });
 * ```
 */
export function jsSystem(runtime: JsRuntime, name: string, program: string, options: SystemOptions = {}): System {
  return { name, runtime, script: new URL(program, systemsDir), ...options };
}

/**
 * A system measured by a Python program in `bench/python/`, run by `python3`.
 *
 * @param name - the row label.
 * @param program - file name inside `bench/python/`, e.g. `"pool_map.py"`.
 * @param options - arguments, environment and availability.
 * @returns the system row.
 *
 * @example
 * ```ts
 * const row = pythonSystem("Pool.map", "pool_map.py");
 * ```
 */
export function pythonSystem(name: string, program: string, options: SystemOptions = {}): System {
  return { name, runtime: "python", script: new URL(program, pythonDir), ...options };
}

/**
 * The same JavaScript system on each of the given runtimes (Node, Deno and Bun by default).
 *
 * @param name - the row label, the same on every runtime.
 * @param program - file name inside `bench/src/systems/`.
 * @param options - arguments, environment and availability, shared by every runtime.
 * @param runtimes - which runtimes get a row.
 * @returns one row per runtime.
 *
 * @example
 * ```ts
 * const rows = onRuntimes("MessageChannel between 2 workers", "queue-throughput.ts", { args: ["message-channel"] });
 * ```
 */
export function onRuntimes(
  name: string,
  program: string,
  options: SystemOptions = {},
  runtimes: readonly JsRuntime[] = jsRuntimes,
): System[] {
  return runtimes.map((runtime) => jsSystem(runtime, name, program, options));
}

/**
 * A system's identity within its workload: runtime and name.
 *
 * @example
 * ```ts
 * systemKey({ name: "piscina", runtime: "node" }); // "node:piscina"
 * ```
 */
export function systemKey(system: { readonly name: string; readonly runtime: BenchRuntime }): string {
  return `${system.runtime}:${system.name}`;
}

/**
 * The reference system of a workload.
 *
 * @param workload - a checked workload.
 * @returns the system every ratio is computed against.
 * @throws WorkloadDefinitionError when the reference is missing or ambiguous.
 *
 * @example
 * ```ts
 * const ref = referenceOf(workload);
 * console.log(`ratios are against ${ref.name} on ${ref.runtime}`);
 * ```
 */
export function referenceOf(workload: Workload): System {
  const matches = workload.systems.filter(
    (s) => s.name === workload.reference && (workload.referenceRuntime === undefined || s.runtime === workload.referenceRuntime),
  );
  const [only] = matches;
  if (only === undefined || matches.length > 1) {
    const problem = matches.length === 0 ? "is not one of its systems" : `names ${matches.length} systems; set referenceRuntime`;
    throw new WorkloadDefinitionError(
      `workload ${workload.name}: reference "${workload.reference}" ${problem} (fix bench/workloads/${workload.name}.ts)`,
    );
  }
  return only;
}

/**
 * Checks a workload definition and returns it unchanged: names are unique per runtime, the
 * reference exists, and the quick parameters set the same keys as the full ones.
 *
 * @param workload - the definition.
 * @returns the same definition.
 * @throws WorkloadDefinitionError naming the problem and the file to fix.
 *
 * @example
 * ```ts
 * export default defineWorkload({
 *   name: "apply-latency",
 *   description: "sequential single-task round trips",
 *   unit: { label: "µs", perWhat: "round trip", higherIsBetter: false },
 *   reference: "Pool.apply",
 *   params: { full: { calls: 3000 }, quick: { calls: 20 } },
 *   systems: [pythonSystem("Pool.apply", "apply_latency.py")],
 * });
 * ```
 */
export function defineWorkload(workload: Workload): Workload {
  const where = `(fix bench/workloads/${workload.name}.ts)`;
  if (!/^[a-z0-9-]+$/.test(workload.name)) {
    throw new WorkloadDefinitionError(`workload name "${workload.name}" must be lowercase letters, digits and dashes ${where}`);
  }
  const seen = new Set<string>();
  for (const s of workload.systems) {
    const key = systemKey(s);
    if (seen.has(key)) throw new WorkloadDefinitionError(`workload ${workload.name}: two "${s.name}" systems on ${s.runtime} ${where}`);
    seen.add(key);
  }
  referenceOf(workload);
  const full = Object.keys(workload.params.full).sort().join(",");
  const quick = Object.keys(workload.params.quick).sort().join(",");
  if (full !== quick) {
    throw new WorkloadDefinitionError(`workload ${workload.name}: quick parameters (${quick}) differ from full ones (${full}) ${where}`);
  }
  return workload;
}
