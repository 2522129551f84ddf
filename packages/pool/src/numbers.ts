/**
 * Chunks of numbers travel packed: `map` over an array of numbers sends each chunk as a
 * `Float64Array` (a view of one array made from the input; `imap` packs each chunk it reads),
 * and a worker answers such a chunk with a `Float64Array` while every result is a number. The
 * codec moves a typed array as one block of bytes, so each side reads and writes the numbers
 * once (the codec's `packNumbers`, `joinResults`, the worker's loop) instead of once to check
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
 * The chunks' results as one array, in order. Arrays alone are joined with `concat`, which
 * copies whole arrays at once (`flat()` goes item by item: ~5 ms for 100,000), in batches to stay
 * under the runtimes' argument limits; packed results are copied out in one pass.
 *
 * @param chunks - each chunk's results.
 * @returns all results.
 *
 * @example
 * ```ts
 * joinResults([new Float64Array([1, 4]), [9, "x"]]); // [1, 4, 9, "x"]
 * ```
 */
export function joinResults(chunks: readonly Items[]): unknown[] {
  let packed = false;
  let total = 0;
  for (const chunk of chunks) {
    if (chunk instanceof Float64Array) packed = true;
    total += chunk.length;
  }
  if (!packed) {
    const arrays = chunks as readonly unknown[][];
    if (arrays.length === 1) return arrays[0]!;
    let out: unknown[] = [];
    for (let i = 0; i < arrays.length; i += 1024) out = out.concat(...arrays.slice(i, i + 1024));
    return out;
  }
  const out = new Array<unknown>(total);
  let k = 0;
  for (const chunk of chunks) for (let i = 0; i < chunk.length; i++) out[k++] = chunk[i];
  return out;
}
