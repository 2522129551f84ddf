/**
 * The runtime adapter's Unix-socket streams: the parent listens (node:net, and `Deno.listen` on a
 * Deno main thread), a child connects (Deno and Bun with their own APIs, Node with node:net).
 * Every process-context child talks to its parent this way.
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { adapter } from "../src/internal.ts";
import { splitStream } from "../src/remote/split-stream.ts";
import type { ByteStream, StreamServer } from "../src/runtime/adapter.ts";

/** Resolves with every byte a stream receives until it closes. */
function collect(stream: ByteStream): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    stream.onData((chunk) => chunks.push(chunk));
    stream.onClose((error) => {
      if (error !== undefined) return reject(error);
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
      }
      resolve(out);
    });
  });
}

/** Resolves with every byte a stream receives until it closes, even if it closes with an error. */
function collectUntilClosed(stream: ByteStream): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    stream.onData((chunk) => chunks.push(chunk));
    stream.onClose(() => resolve(Buffer.concat(chunks)));
  });
}

/** A server, and the streams it accepts, one at a time, in order. */
function acceptor(): { server: StreamServer; next: () => Promise<ByteStream> } {
  const accepted: ByteStream[] = [];
  const waiting: Array<(stream: ByteStream) => void> = [];
  const server = adapter.listen((stream) => {
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(stream);
    else accepted.push(stream);
  });
  const next = (): Promise<ByteStream> => {
    const stream = accepted.shift();
    return stream !== undefined ? Promise.resolve(stream) : new Promise((resolve) => waiting.push(resolve));
  };
  return { server, next };
}

/** Two connections to `server`, one after the other: each as [the client's end, the server's end]. */
async function twoConnections(server: StreamServer, next: () => Promise<ByteStream>): Promise<[Ends, Ends]> {
  const connect = async (): Promise<Ends> => {
    const client = await adapter.connect(server.path, 5_000);
    return [client, await next()];
  };
  const first = await connect(); // accepted before the second connects: the order is known
  return [first, await connect()];
}

/** A connection's two ends: the client's, the server's. */
type Ends = [ByteStream, ByteStream];

function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

describe(`Unix-socket streams on ${adapter.name}`, () => {
  it("carries several MiB both ways, in order", async () => {
    const size = 3 * 1024 * 1024;
    const server = adapter.listen((stream) => {
      // Echo the bytes back reversed once all `size` have come.
      const chunks: Uint8Array[] = [];
      let got = 0;
      stream.onData((chunk) => {
        chunks.push(chunk);
        got += chunk.byteLength;
        if (got === size) stream.write(Buffer.concat(chunks).reverse());
      });
    });
    try {
      // Connecting at once: the socket may not be bound yet, and connect retries.
      const client = await adapter.connect(server.path, 5_000);
      const sent = pattern(size, 3);
      for (let at = 0; at < size; at += 100_000) client.write(sent.subarray(at, Math.min(size, at + 100_000)));
      const back = await new Promise<Buffer>((resolve) => {
        const chunks: Uint8Array[] = [];
        let got = 0;
        client.onData((chunk) => {
          chunks.push(chunk);
          got += chunk.byteLength;
          if (got === size) resolve(Buffer.concat(chunks));
        });
      });
      expect(Buffer.compare(back, Buffer.from(sent).reverse())).toBe(0);
      const closed = new Promise<Error | undefined>((resolve) => client.onClose(resolve));
      client.end();
      expect(await closed).toBeUndefined();
    } finally {
      server.close();
    }
  }, 60_000);

  it("end() sends everything written before it, then closes", async () => {
    const received: Promise<Uint8Array>[] = [];
    const server = adapter.listen((stream) => received.push(collect(stream)));
    try {
      const client = await adapter.connect(server.path, 5_000);
      const sent = pattern(3 * 1024 * 1024, 5);
      for (let at = 0; at < sent.byteLength; at += 65_536) client.write(sent.subarray(at, at + 65_536));
      client.end();
      client.write(new Uint8Array([1, 2, 3])); // after end(): dropped, as a Node socket would refuse it
      const closed = new Promise<Error | undefined>((resolve) => client.onClose(resolve));
      expect(await closed).toBeUndefined();
      const got = await received[0]!;
      expect(Buffer.compare(Buffer.from(got), Buffer.from(sent))).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);

  it("gives a listener that comes late every byte, then reports the close by the other side", async () => {
    let ended!: () => void;
    const serverEnded = new Promise<void>((resolve) => (ended = resolve));
    const server = adapter.listen((stream) => {
      stream.write(pattern(1_000, 7));
      stream.write(pattern(70_000, 9));
      stream.end();
      ended();
    });
    try {
      const client = await adapter.connect(server.path, 5_000);
      // Listen only once the server has written everything and ended (the bytes may already
      // have arrived: the native clients read at once and keep what comes before a listener).
      await serverEnded;
      const bytes = await collect(client);
      expect(Array.from(bytes.subarray(0, 1_000))).toEqual(Array.from(pattern(1_000, 7)));
      expect(Buffer.compare(Buffer.from(bytes.subarray(1_000)), Buffer.from(pattern(70_000, 9)))).toBe(0);
    } finally {
      server.close();
    }
  }, 30_000);

  it("a listener added while a chunk is handed over gets only the chunks after it, on both sides", async () => {
    // Each side reads a first message, then adds a second listener from inside the first's
    // callback (as the parent's server does: it reads a child's hello, then attaches a channel),
    // and answers; the second listener's text is what came after the first message.
    const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
    const afterFirst = (stream: ByteStream, answer: () => void): Promise<string> =>
      new Promise((resolve) => {
        const later: Uint8Array[] = [];
        let added = false;
        stream.onData(() => {
          if (added) return;
          added = true;
          stream.onData((chunk) => later.push(chunk));
          stream.onClose(() => resolve(new TextDecoder().decode(Buffer.concat(later))));
          answer();
        });
      });
    let serverLater!: Promise<string>;
    const server = adapter.listen((stream) => {
      serverLater = afterFirst(stream, () => stream.write(encode("ack")));
    });
    try {
      const client = await adapter.connect(server.path, 5_000);
      // The client's second message goes only once the server's answer came: they arrive apart.
      const clientLater = afterFirst(client, () => {
        client.write(encode("second"));
        client.end();
      });
      client.write(encode("first"));
      expect(await clientLater).toBe("");
      expect(await serverLater).toBe("second");
    } finally {
      server.close();
    }
  }, 30_000);

  it("split in two sockets: a write to a peer that has gone loses none of what the peer sent before it went", async () => {
    // What a peer's connection to an object's owner is (see remote/split-stream.ts). On one
    // socket, the owner's write to a peer that has gone fails, and the socket then closes with
    // the peer's last bytes unread (seen on Node: a pool worker's last puts, lost).
    const { server, next } = acceptor();
    try {
      const [[up, serverUp], [down, serverDown]] = await twoConnections(server, next);
      const serverDownClosed = new Promise<void>((resolve) => serverDown.onClose(() => resolve()));
      const split = splitStream(serverUp, serverDown);

      // Nobody reads `serverUp` yet: on Node the bytes wait in the socket.
      const sent = pattern(64 * 1024, 11); // fits in the sockets' buffers
      up.write(sent);
      await up.written();
      up.destroy(); // the peer goes
      down.destroy();
      await serverDownClosed;
      for (let i = 0; i < 10; i++) split.write(pattern(1_000, i)); // to a peer that has gone
      await split.written();
      const got = await collectUntilClosed(split);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(sent))).toBe(0);
    } finally {
      server.close();
    }
  }, 30_000);

  it("split in two sockets: writes made before the writing socket comes go out in order; the ends close both ways", async () => {
    const { server, next } = acceptor();
    try {
      const [[a, serverA], [b, serverB]] = await twoConnections(server, next);
      const split = splitStream(serverA);
      split.write(new Uint8Array([1, 2, 3])); // no writing socket yet: kept
      split.write(new Uint8Array([4]));
      const flushed = split.written();
      const atB = collectUntilClosed(b);
      split.setOutgoing(serverB);
      await flushed;
      split.write(new Uint8Array([5]));
      const closed = new Promise<void>((resolve) => split.onClose(() => resolve()));
      a.end(); // the reading side ends: the stream closes, and its writing socket ends
      await closed;
      expect(Array.from(await atB)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      server.close();
    }
  }, 30_000);

  it("fails with ENOENT when nothing ever listens, after its patience", async () => {
    const started = performance.now();
    const error = await adapter.connect(`/tmp/multiproc-missing-${adapter.pid}-${Date.now()}.sock`, 200).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ENOENT");
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});
