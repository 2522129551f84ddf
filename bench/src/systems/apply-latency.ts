/**
 * apply-latency, JavaScript side: `calls` single tasks sent one after another through a pool of
 * `workers` workers, each awaited before the next is sent; reports the mean round trip in µs.
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
  const t0 = now();
  for (let i = 0; i < calls; i++) {
    const r = await pool.square(i);
    if (r !== i * i) throw new WrongResultError(`square(${i})`, i * i, r);
  }
  const micros = ((now() - t0) * 1000) / calls;
  await pool.close();
  await report(micros, { calls, workers });
}
