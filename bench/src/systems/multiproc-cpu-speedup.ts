/**
 * cpu-speedup, multiproc side: counts the primes below `limit` by trial division, in chunks of
 * `chunk` numbers handed to idle workers one at a time (`Pool.imapUnordered` with chunksize 1,
 * as Python's program does), first on a 1-worker `Pool` and then on a `workers`-worker `Pool`,
 * both started and warmed before the clocks start. Reports the speed-up, time with 1 worker /
 * time with `workers`.
 *
 * Variant: the context, `thread` or `process`.
 *
 * @module
 */
import { isMain } from "@multiproc/core";
import { Pool } from "@multiproc/pool";
import { WrongResultError } from "../errors.ts";
import { childInput, needParam, now, report, variantOf } from "./child.ts";
import { chunks } from "./primes.ts";
import { primesIn } from "./workers/multiproc-primes.ts";

/** Counts every chunk through `pool`; returns the total and the time it took in ms. */
async function timedCount(pool: Pool, work: ReadonlyArray<readonly [number, number]>): Promise<{ total: number; ms: number }> {
  const t0 = now();
  let total = 0;
  for await (const n of pool.imapUnordered(primesIn, work, { chunksize: 1 })) total += n;
  return { total, ms: now() - t0 };
}

if (isMain(import.meta)) {
  const input = childInput();
  const context = variantOf(input, ["thread", "process"] as const);
  const limit = needParam(input.params, "limit");
  const workers = needParam(input.params, "workers");
  /** π(limit), known in advance, so that a wrong count fails the measurement. */
  const expected = needParam(input.params, "expected");
  const work = chunks(limit, needParam(input.params, "chunk"));
  const one = new Pool({ processes: 1, context });
  const many = new Pool({ processes: workers, context });
  // Warm every worker's JIT on the same code before timing (Python's program does the same).
  const warm: [number, number] = [0, Math.min(limit, 50_000)];
  await one.map(primesIn, [warm]);
  await many.map(primesIn, Array.from({ length: workers }, () => warm), { chunksize: 1 });
  const t1 = await timedCount(one, work);
  const tn = await timedCount(many, work);
  if (t1.total !== expected) throw new WrongResultError(`primes below ${limit} counted with 1 worker`, expected, t1.total);
  if (tn.total !== expected) throw new WrongResultError(`primes below ${limit} counted with ${workers} workers`, expected, tn.total);
  for (const pool of [one, many]) pool.close();
  await Promise.all([one.join(), many.join()]);
  await report(t1.ms / tn.ms, { oneWorkerMs: t1.ms, [`${workers}WorkersMs`]: tn.ms, primes: t1.total, workers, context });
}
