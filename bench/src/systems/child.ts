/**
 * The measuring child's side of the harness protocol, shared by every JavaScript system: read
 * the variant and parameters from the command line, print one JSON result line, exit.
 *
 * A child is started as `<runtime> <program> [args…] '<params JSON>'`.
 *
 * @module
 */
import process from "node:process";
import { ChildUsageError } from "../errors.ts";
import type { ChildReport, Detail } from "../types.ts";

/**
 * What a measuring child was asked to do.
 *
 * @example
 * ```ts
 * const { args, params } = childInput();
 * const items = needParam(params, "items");
 * ```
 */
export interface ChildInput {
  /** The system's arguments (the variant first, where the program has several). */
  readonly args: readonly string[];
  /** The workload's parameters. */
  readonly params: Readonly<Record<string, number>>;
}

/**
 * Reads the child's arguments: everything after the program's path, the last one being the
 * parameters' JSON.
 *
 * @returns the arguments and parameters.
 * @throws ChildUsageError when the last argument is not a JSON object (the program was run by hand).
 *
 * @example
 * ```ts
 * const { args: [variant], params } = childInput();
 * ```
 */
export function childInput(): ChildInput {
  const all = process.argv.slice(2);
  const last = all.at(-1);
  let params: unknown;
  try {
    params = JSON.parse(last ?? "");
  } catch {
    params = undefined;
  }
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new ChildUsageError(
      `expected the workload's parameters as the last argument, as JSON (e.g. '{"items":1000}'); ` +
        `this program is run by bench/run.ts: use \`pnpm bench <workload>\``,
    );
  }
  return { args: all.slice(0, -1), params: params as Record<string, number> };
}

/**
 * A numeric parameter that must be present.
 *
 * @param params - the workload's parameters.
 * @param name - the parameter's name.
 * @returns its value.
 * @throws ChildUsageError when it is missing or not a number.
 *
 * @example
 * ```ts
 * const calls = needParam(childInput().params, "calls");
 * ```
 */
export function needParam(params: Readonly<Record<string, number>>, name: string): number {
  const v = params[name];
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new ChildUsageError(`parameter "${name}" is missing or not a number in ${JSON.stringify(params)}`);
  }
  return v;
}

/**
 * The variant named by the first argument, checked against the ones a program knows.
 *
 * @param input - the child's input.
 * @param known - the variants the program implements.
 * @returns the variant.
 * @throws ChildUsageError for a missing or unknown variant.
 *
 * @example
 * ```ts
 * const kind = variantOf(childInput(), ["piscina", "tinypool", "workerpool"] as const);
 * ```
 */
export function variantOf<const T extends string>(input: ChildInput, known: readonly T[]): T {
  const v = input.args[0];
  if (v === undefined || !(known as readonly string[]).includes(v)) {
    throw new ChildUsageError(`expected a variant as the first argument, one of: ${known.join(", ")}; got ${v ?? "nothing"}`);
  }
  return v as T;
}

/**
 * An optional cap given as the argument at `index`: how many of something (items, messages,
 * increments) a slow system makes instead of the workload's full count, so that it measures its
 * rate in seconds rather than minutes. The unit of such workloads is a rate, so the figures stay
 * comparable; the program records the count it used in its detail.
 *
 * @param input - the child's input.
 * @param index - which argument holds the cap.
 * @param what - what is capped, for the error message.
 * @returns the cap, or `Infinity` when the argument is absent.
 * @throws ChildUsageError when the argument is not a positive number.
 *
 * @example
 * ```ts
 * const items = Math.min(needParam(input.params, "items"), capOf(input, 2, "items"));
 * ```
 */
export function capOf(input: ChildInput, index: number, what: string): number {
  const arg = input.args[index];
  if (arg === undefined) return Infinity;
  const cap = Number(arg);
  if (!Number.isInteger(cap) || cap < 1) throw new ChildUsageError(`argument ${index + 1} caps the ${what}: a positive whole number, not ${arg}`);
  return cap;
}

function emit(report: ChildReport): Promise<never> {
  return new Promise<never>(() => {
    process.stdout.write(`${JSON.stringify(report)}\n`, () => process.exit(0));
  });
}

/**
 * Prints the measured value as the result line and exits with code 0.
 *
 * @param value - the measurement, in the workload's unit.
 * @param detail - extra figures kept in the JSON output.
 * @returns never resolves: the process exits once the line is written.
 *
 * @example
 * ```ts
 * await report(items / seconds, { items, seconds });
 * ```
 */
export function report(value: number, detail?: Detail): Promise<never> {
  return emit(detail === undefined ? { value } : { value, detail });
}

/**
 * Prints that this system cannot run on this runtime, and why, and exits with code 0.
 *
 * @param reason - shown in the table instead of numbers.
 * @returns never resolves: the process exits once the line is written.
 *
 * @example
 * ```ts
 * await reportUnavailable("Deno has no Bun.spawn");
 * ```
 */
export function reportUnavailable(reason: string): Promise<never> {
  return emit({ unavailable: reason });
}

/**
 * Milliseconds since an arbitrary start, for measuring intervals.
 *
 * @example
 * ```ts
 * const t0 = now();
 * work();
 * const ms = now() - t0;
 * ```
 */
export function now(): number {
  return performance.now();
}

/**
 * The spawn-join measurement shared by every system of that workload: `warmup` unmeasured calls
 * of `startJoin`, then `count` measured ones; reports the mean in ms, with the fastest and slowest.
 *
 * @example
 * ```ts
 * await reportStartJoin(() => startAndJoinOneChild(), 20, 2);
 * ```
 */
export async function reportStartJoin(startJoin: () => Promise<void>, count: number, warmup: number): Promise<never> {
  for (let i = 0; i < warmup; i++) await startJoin();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = now();
    await startJoin();
    times.push(now() - t0);
  }
  const total = times.reduce((a, b) => a + b, 0);
  return report(total / count, { count, fastestMs: Math.min(...times), slowestMs: Math.max(...times) });
}
