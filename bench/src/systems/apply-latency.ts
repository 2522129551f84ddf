/**
 * apply-latency, JavaScript side: `calls` single tasks sent one after another through a pool of
 * `workers` workers, each awaited before the next is sent; reports the mean round trip in µs, and
 * in its detail the median and 99th percentile of a call and how many calls took over 200 µs.
 * The pool is started and warmed, and `warmup` unmeasured calls made, before the clock starts.
 *
 * Variant: the pool (see `pools.ts`): `piscina`, `tinypool`, `workerpool`, or multiproc's
 * `Pool.apply` in either context (`multiproc-thread`, `multiproc-process`).
 *
 * @module
 */
import { isMain } from "@multiproc/core";
import { WrongResultError } from "../errors.ts";
import { childInput, needParam, now, report, variantOf } from "./child.ts";
import { openPool, poolKinds } from "./pools.ts";

if (isMain(import.meta)) {
  const input = childInput();
  const kind = variantOf(input, poolKinds);
  const calls = needParam(input.params, "calls");
  const warmup = needParam(input.params, "warmup");
  const workers = needParam(input.params, "workers");
  const pool = await openPool(kind, workers);
  for (let i = 0; i < warmup; i++) await pool.square(i);
  // Each call is timed too: on a busy machine a few slow calls can make up much of the mean, and
  // the median per call tells them apart from the common case (in the detail, not the headline).
  const each = new Float64Array(calls);
  const t0 = now();
  for (let i = 0; i < calls; i++) {
    const t = now();
    const r = await pool.square(i);
    each[i] = now() - t;
    if (r !== i * i) throw new WrongResultError(`square(${i})`, i * i, r);
  }
  const micros = ((now() - t0) * 1000) / calls;
  await pool.close();
  each.sort();
  const at = (q: number): number => Math.round(each[Math.floor(q * (calls - 1))]! * 1000 * 10) / 10;
  const over200 = each.filter((ms) => ms > 0.2).length;
  await report(micros, { calls, workers, medianCallMicros: at(0.5), p99CallMicros: at(0.99), callsOver200Micros: over200 });
}
