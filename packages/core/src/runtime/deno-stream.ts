/// <reference types="deno" />
/**
 * Unix sockets on Deno's own API. `node:net` works on Deno too, but a child that loads it pays
 * 6–28 ms of its start-up for it (measured: loading `node:net` 28 ms alone, 7.5 ms in a child
 * that has loaded the library; `Deno.connect` 1.4 ms), and a Deno main thread that has not loaded
 * Node's layer at all ~30 ms more (see `deno-main.ts`).
 *
 * @internal
 * @module
 */
import type { ByteStream, StreamServer } from "./adapter.ts";
import { IncomingChunks } from "./incoming-chunks.ts";

/**
 * Connects to the Unix socket at `path` (one attempt: the adapter retries).
 *
 * @throws the runtime's error for a missing socket (`code` `ENOENT`) or one nobody listens on
 *   (`ECONNREFUSED`).
 */
export async function connectUnix(path: string): Promise<ByteStream> {
  const conn = await Deno.connect({ transport: "unix", path });
  return streamOf(conn);
}

/**
 * Listens on the Unix socket at `path` with Deno's own API (`node:net` would load Node's
 * compatibility layer into a Deno main thread that has not loaded it: see `deno-main.ts`), and
 * calls `onConnection` with each accepted connection.
 *
 * @example
 * ```ts
 * const server = listenUnix("/tmp/multiproc-1-a.sock", (stream) => stream.onData(console.log));
 * server.close();
 * ```
 */
export function listenUnix(path: string, onConnection: (stream: ByteStream) => void): StreamServer {
  const listener = Deno.listen({ transport: "unix", path });
  let closed = false;
  void (async () => {
    try {
      for await (const conn of listener) onConnection(streamOf(conn as Deno.UnixConn));
    } catch (error) {
      if (!closed) Deno.stderr.writeSync(new TextEncoder().encode(`multiproc: the socket ${path} failed: ${(error as Error).message}\n`));
    }
  })();
  return {
    path,
    close: () => {
      if (closed) return;
      closed = true;
      listener.close();
      try {
        Deno.removeSync(path);
      } catch {
        // already removed
      }
    },
    ref: () => {
      if (!closed) listener.ref();
    },
    unref: () => {
      if (!closed) listener.unref();
    },
  };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function streamOf(conn: Deno.UnixConn): ByteStream {
  const incoming = new IncomingChunks();
  const pending: Uint8Array[] = [];
  let writing = false;
  let ending = false;
  /**
   * Set when a write failed: the peer has gone (or reset the connection). Later writes are
   * dropped, but the reading goes on until the end: what the peer sent before it went is still
   * in the socket, and closing the connection now would lose it (Deno cancels a pending read).
   */
  let writeFailed = false;
  /** Callers of `written()` waiting for the writes queued so far. */
  let flushed: Array<() => void> = [];

  const finish = (error?: Error): void => {
    if (incoming.closed) return;
    try {
      conn.close();
    } catch {
      // already closed
    }
    incoming.close(error);
  };

  const flush = async (): Promise<void> => {
    writing = true;
    try {
      while (pending.length > 0) {
        // What was queued meanwhile goes out in one write.
        let bytes = pending.length === 1 ? pending[0]! : concat(pending);
        pending.length = 0;
        while (bytes.byteLength > 0) bytes = bytes.subarray(await conn.write(bytes));
      }
      if (ending) await conn.closeWrite();
    } catch {
      writeFailed = true;
      pending.length = 0;
    } finally {
      writing = false;
      const waiting = flushed;
      flushed = [];
      for (const resolve of waiting) resolve();
    }
  };

  void (async () => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await conn.read(buffer);
        if (n === null) break;
        incoming.push(buffer.slice(0, n));
      }
      finish();
    } catch (error) {
      finish(error as Error);
    }
  })();

  return {
    write: (bytes) => {
      if (incoming.closed || ending || writeFailed) return;
      pending.push(bytes);
      if (!writing) void flush();
    },
    written: () => (incoming.closed || (!writing && pending.length === 0) ? Promise.resolve() : new Promise((resolve) => flushed.push(resolve))),
    onData: (cb) => incoming.onData(cb),
    onClose: (cb) => incoming.onClose(cb),
    end: () => {
      if (incoming.closed || ending || writeFailed) return;
      ending = true;
      if (!writing) void flush();
    },
    destroy: () => finish(),
    ref: () => conn.ref(),
    unref: () => conn.unref(),
  };
}
