/**
 * Typed errors of the benchmark harness, each with a message that says what to do.
 *
 * @module
 */

/**
 * The command line could not be understood; the message includes the usage.
 *
 * @example
 * ```ts
 * throw new BenchUsageError("--repeat needs a positive whole number, got \"x\"");
 * ```
 */
export class BenchUsageError extends Error {
  override readonly name = "BenchUsageError";
}

/**
 * A workload in `bench/workloads/` is defined wrongly (e.g. its reference is not one of its
 * systems, or two systems share a name and runtime). Fix the workload file named in the message.
 *
 * @example
 * ```ts
 * throw new WorkloadDefinitionError("pool-map: reference \"Pool.map\" is not one of its systems");
 * ```
 */
export class WorkloadDefinitionError extends Error {
  override readonly name = "WorkloadDefinitionError";
}

/**
 * A measuring program was run outside the harness or given arguments it does not understand.
 *
 * @example
 * ```ts
 * throw new ChildUsageError("expected the variant as the first argument: piscina, tinypool or workerpool");
 * ```
 */
export class ChildUsageError extends Error {
  override readonly name = "ChildUsageError";
}

/**
 * A measuring program computed a wrong answer, so its timing cannot be trusted.
 *
 * @example
 * ```ts
 * throw new WrongResultError("sum of squares", 333_328_333_350_000, 12);
 * ```
 */
export class WrongResultError extends Error {
  override readonly name = "WrongResultError";
  /**
   * @param what - what was checked.
   * @param expected - the right answer.
   * @param actual - what the system produced.
   */
  constructor(what: string, expected: unknown, actual: unknown) {
    super(`${what}: expected ${String(expected)}, got ${String(actual)}; the system under test returned a wrong result`);
  }
}
