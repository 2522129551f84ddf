/**
 * Connecting to a Unix socket that may not be listening yet, the same way on every runtime.
 *
 * @internal
 * @module
 */
import type { ByteStream } from "./adapter.ts";

/**
 * Calls `connectOnce(path)` until it succeeds, retrying (with a delay that doubles from 1 ms up
 * to 50 ms) while the socket does not exist yet (`ENOENT`) or nobody accepts on it yet
 * (`ECONNREFUSED`), for up to `patienceMs`. Any other error, or one after the patience ran out,
 * is thrown as it is.
 *
 * @param connectOnce - one attempt, failing with the runtime's error (which has a `code`).
 * @param path - the socket's path.
 * @param patienceMs - how long to keep trying (5 s by default).
 * @returns the connected stream.
 * @example
 * ```ts
 * const stream = await connectWithRetry(connectUnix, "/tmp/multiproc-1-a.sock", 10_000);
 * ```
 */
export async function connectWithRetry(connectOnce: (path: string) => Promise<ByteStream>, path: string, patienceMs = 5000): Promise<ByteStream> {
  const deadline = Date.now() + patienceMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return await connectOnce(path);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const retriable = code === "ENOENT" || code === "ECONNREFUSED";
      if (!retriable || Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
