/**
 * A connection made of two sockets, one for each direction. A socket that one side writes to
 * after the other side has gone fails (`EPIPE`), and Node's sockets (Deno's and Bun's Node
 * layers too) then close at once: whatever the other side sent before it went and this side had
 * not read yet is dropped. A process that puts items on a queue and dies a moment later would lose
 * its last items whenever the queue's owner acknowledged the first ones in between. With one
 * socket per direction, a failed write closes only the socket written to; the one read from is
 * read to its end.
 *
 * @internal
 * @module
 */
import type { ByteStream } from "../runtime/index.ts";

/** A {@link ByteStream} over two sockets; the writing one may come later (see {@link splitStream}). */
export interface SplitStream extends ByteStream {
  /** Gives the stream its writing socket: what was written before goes out now, in order. */
  setOutgoing(outgoing: ByteStream): void;
}

/**
 * Makes one stream out of two sockets: it reads from `incoming` and writes to `outgoing`. Writes
 * made before the writing socket is given wait for it. The stream is closed when `incoming` is;
 * `outgoing` is then ended. A failed `outgoing` only drops later writes.
 *
 * @example
 * ```ts
 * const [up, down] = await Promise.all([adapter.connect(path, 2_000), adapter.connect(path, 2_000)]);
 * const stream = splitStream(down, up); // this side writes on `up` and reads from `down`
 * ```
 */
export function splitStream(incoming: ByteStream, outgoing?: ByteStream): SplitStream {
  let out: ByteStream | undefined;
  const early: Uint8Array[] = [];
  let closed = false;
  let ending = false;
  let destroyed = false;
  let refed = true;
  /** Callers of `written()` before the writing socket came. */
  let waiting: Array<() => void> = [];

  incoming.onClose(() => {
    closed = true;
    if (out === undefined) {
      for (const resolve of waiting.splice(0)) resolve();
    } else out.end();
  });

  const stream: SplitStream = {
    setOutgoing: (socket) => {
      if (out !== undefined) throw new Error("splitStream: the writing socket was already given");
      out = socket;
      // Its end (or failure) must be seen: a Node socket nobody reads from never reports it.
      socket.onData(() => {});
      if (destroyed) return socket.destroy();
      if (refed) socket.ref();
      else socket.unref();
      for (const bytes of early.splice(0)) socket.write(bytes);
      if (ending || closed) socket.end();
      for (const resolve of waiting.splice(0)) socket.written().then(resolve);
    },
    write: (bytes) => {
      if (closed || ending) return;
      if (out === undefined) early.push(bytes);
      else out.write(bytes);
    },
    written: () => {
      if (out !== undefined) return out.written();
      if (closed || early.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiting.push(resolve));
    },
    onData: (cb) => incoming.onData(cb),
    onClose: (cb) => incoming.onClose(cb),
    end: () => {
      if (closed || ending) return;
      ending = true;
      out?.end();
    },
    destroy: () => {
      destroyed = true;
      incoming.destroy();
      out?.destroy();
    },
    ref: () => {
      refed = true;
      incoming.ref();
      out?.ref();
    },
    unref: () => {
      refed = false;
      incoming.unref();
      out?.unref();
    },
  };
  if (outgoing !== undefined) stream.setOutgoing(outgoing);
  return stream;
}
