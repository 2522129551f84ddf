/// <reference types="bun" />
/**
 * A Unix-socket client on Bun's own API. `node:net` works on Bun too, but a child that loads it
 * pays ~8–11 ms of its start-up for it (measured: loading `node:net` 10.9 ms; `Bun.connect`
 * 1.5 ms).
 *
 * @internal
 * @module
 */
import type { ByteStream } from "./adapter.ts";
import { IncomingChunks } from "./incoming-chunks.ts";

/**
 * Connects to the Unix socket at `path` (one attempt: the adapter retries).
 *
 * @throws the runtime's error for a missing socket (`code` `ENOENT`) or one nobody listens on
 *   (`ECONNREFUSED`).
 */
export async function connectUnix(path: string): Promise<ByteStream> {
  const incoming = new IncomingChunks();
  // Bytes the socket did not take yet (a partial write), sent on `drain`, in order.
  const pending: Uint8Array[] = [];
  let ending = false;
  /** Callers of `written()` waiting for the bytes pending now. */
  let flushed: Array<() => void> = [];
  const settleWritten = (): void => {
    const waiting = flushed;
    flushed = [];
    for (const resolve of waiting) resolve();
  };

  const flush = (s: Bun.Socket<undefined>): void => {
    while (pending.length > 0) {
      const bytes = pending[0]!;
      const written = s.write(bytes);
      if (written < 0) return; // closed: the close handler reports it
      if (written < bytes.byteLength) {
        pending[0] = bytes.subarray(written);
        return;
      }
      pending.shift();
    }
    settleWritten();
    if (ending) s.end();
  };

  const socket = await Bun.connect({
    unix: path,
    socket: {
      // Bun hands each chunk in a buffer of its own; it is copied anyway, as a chunk outlives
      // the callback.
      data: (_s, data) => incoming.push(Uint8Array.prototype.slice.call(data)),
      drain: (s) => flush(s),
      // The other side ended: end this side too (as a Node socket does without allowHalfOpen).
      end: (s) => {
        s.end();
      },
      close: () => {
        incoming.close();
        settleWritten();
      },
      error: (_s, error) => {
        incoming.close(error);
        settleWritten();
      },
    },
  });

  return {
    write: (bytes) => {
      if (incoming.closed || ending) return;
      pending.push(bytes);
      if (pending.length === 1) flush(socket);
    },
    written: () => (incoming.closed || pending.length === 0 ? Promise.resolve() : new Promise((resolve) => flushed.push(resolve))),
    onData: (cb) => incoming.onData(cb),
    onClose: (cb) => incoming.onClose(cb),
    end: () => {
      if (incoming.closed || ending) return;
      ending = true;
      if (pending.length === 0) socket.end();
    },
    destroy: () => {
      socket.terminate();
      incoming.close();
    },
    ref: () => socket.ref(),
    unref: () => socket.unref(),
  };
}
