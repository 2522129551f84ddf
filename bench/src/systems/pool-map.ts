/**
 * pool-map, JavaScript side: squares 0…items-1 through a pool of `workers` threads, one task per
 * item all submitted at once (the libraries have no chunked map), and reports items per second.
 * The pool is started and warmed before the clock starts.
 *
 * Variant: the library, `piscina`, `tinypool` or `workerpool`.
 *
 * @module
 */
import { WrongResultError } from "../errors.ts";
import { childInput, needParam, now, report, variantOf } from "./child.ts";
import { openPool, poolKinds } from "./pools.ts";

const input = childInput();
const kind = variantOf(input, poolKinds);
const items = needParam(input.params, "items");
const workers = needParam(input.params, "workers");
const pool = await openPool(kind, workers);
const t0 = now();
const squares = await Promise.all(Array.from({ length: items }, (_, i) => pool.square(i)));
const seconds = (now() - t0) / 1000;
await pool.close();
const sum = squares.reduce((a, b) => a + b, 0);
const expected = ((items - 1) * items * (2 * items - 1)) / 6;
if (sum !== expected) throw new WrongResultError("sum of the squares", expected, sum);
await report(items / seconds, { items, workers, seconds });
