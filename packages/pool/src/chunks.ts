/**
 * Splitting input into chunks, as Python's pool does.
 *
 * @internal
 * @module
 */

/**
 * Python's default chunk size for `map`: the input split into about four chunks per worker.
 *
 * @param length - how many items.
 * @param workers - how many workers.
 * @returns the chunk size (at least 1 for a non-empty input).
 */
export function defaultChunksize(length: number, workers: number): number {
  if (length === 0) return 0;
  const size = Math.floor(length / (workers * 4));
  return length % (workers * 4) === 0 ? Math.max(1, size) : size + 1;
}

/** Checks a user-given chunk size. */
export function checkChunksize(chunksize: unknown): number | undefined {
  if (chunksize === undefined) return undefined;
  if (typeof chunksize !== "number" || !Number.isInteger(chunksize) || chunksize < 1) {
    throw new RangeError(`chunksize must be a positive integer, not ${String(chunksize)}`);
  }
  return chunksize;
}

/** Reads chunks of `size` items from a sync or async iterable, lazily. */
export async function* chunksOf<T>(input: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of input as AsyncIterable<T>) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
