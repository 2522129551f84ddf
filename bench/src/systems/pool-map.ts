/**
 * pool-map, JavaScript side: squares 0…items-1 through a pool of `workers` workers and reports
 * items per second. The pool is started and warmed before the clock starts.
 *
 * Variant: the pool (see `pools.ts`). The libraries get one task per item, all submitted at once
 * (they have no chunked map). multiproc's pools use `Pool.map`, with a second argument saying
 * how it chunks: `default` (its own chunksize, about four chunks per worker, as Python's),
 * `default-again` (the same, but the clock times a second call: the first, untimed, compiles the
 * code paths a map runs — V8 and JavaScriptCore start every function in an interpreter) or
 * `one` (`chunksize: 1`, one task per item, like the libraries), and an optional third that caps
 * the number of items (for the slow rows); the detail records the count used.
 *
 * @module
 */
import { isMain } from "@multiproc/core";
import { ChildUsageError, WrongResultError } from "../errors.ts";
import { capOf, childInput, needParam, now, report, variantOf } from "./child.ts";
import { openPool, poolKinds } from "./pools.ts";

if (isMain(import.meta)) {
  const input = childInput();
  const kind = variantOf(input, poolKinds);
  const chunking = input.args[1];
  const items = Math.min(needParam(input.params, "items"), capOf(input, 2, "items"));
  const workers = needParam(input.params, "workers");
  const pool = await openPool(kind, workers);
  const chunkings = ["default", "default-again", "one"];
  if ((pool.map === undefined) !== (chunking === undefined) || (chunking !== undefined && !chunkings.includes(chunking))) {
    throw new ChildUsageError(
      pool.map === undefined
        ? `${kind} has no chunked map: give no second argument`
        : `${kind}: the second argument must be default, default-again or one (the chunksize), not ${chunking ?? "nothing"}`,
    );
  }
  const numbers = Array.from({ length: items }, (_, i) => i);
  if (chunking === "default-again") await pool.map!(numbers, undefined);
  const t0 = now();
  const squares =
    pool.map === undefined ? await Promise.all(numbers.map((i) => pool.square(i))) : await pool.map(numbers, chunking === "one" ? 1 : undefined);
  const seconds = (now() - t0) / 1000;
  await pool.close();
  const sum = squares.reduce((a, b) => a + b, 0);
  const expected = ((items - 1) * items * (2 * items - 1)) / 6;
  if (sum !== expected) throw new WrongResultError("sum of the squares", expected, sum);
  await report(items / seconds, { items, workers, seconds, ...(chunking === undefined ? {} : { chunksize: chunking === "one" ? 1 : "default", call: chunking === "default-again" ? "second" : "first" }) });
}
