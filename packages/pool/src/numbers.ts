/**
 * Chunks of numbers travel packed: `map` over an array of numbers sends each chunk as a
 * `Float64Array` (a view of one array made from the input; `imap` packs each chunk it reads),
 * and a worker answers such a chunk with a `Float64Array` while every result is a number. The
 * codec moves a typed array as one block of bytes, so each side reads and writes the numbers
 * once (the codec's `packNumbers`, `placeResults`, the worker's loop) instead of once to check
 * for promises, once to encode and once to decode. Before the JIT has compiled those loops —
 * during every first call — they are most of a large `map`'s cost: a first `map` of 100,000
 * squares on 2 worker threads went from 24–32 ms to 11–17 ms on Node 24 (6 alternating runs
 * each).
 *
 * @internal
 * @module
 */
import type { Items } from "./worker.ts";

/**
 * Chunks smaller than this are not packed: a few numbers are as cheap as text, and a typed array
 * costs an attachment per message (what `chunksize: 1` would pay per item).
 *
 * @example
 * ```ts
 * const packed = size >= PACK_MIN ? packNumbers(items) : undefined;
 * ```
 */
export const PACK_MIN = 16;

/**
 * Copies one chunk's results into `out` from index `at` on: `map` places each chunk's results as
 * they arrive, while the workers still compute the others, so that only the last chunk's copy
 * comes after the last result. (Joining them all once every chunk was in — `concat` for arrays, a
 * loop for packed results — took 4–5 ms of a first `map` of 100,000 squares on Node, whose loop
 * runs in the interpreter then: a third of the call.)
 *
 * @param out - the results of the whole map.
 * @param at - where the chunk's first item was in the input.
 * @param chunk - the chunk's results, in order.
 *
 * @example
 * ```ts
 * const out = new Array<unknown>(3);
 * placeResults(out, 1, new Float64Array([4, 9]));
 * placeResults(out, 0, [1]); // out is [1, 4, 9]
 * ```
 */
export function placeResults(out: unknown[], at: number, chunk: Items): void {
  for (let i = 0; i < chunk.length; i++) out[at + i] = chunk[i];
}
