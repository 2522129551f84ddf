/**
 * The runtime adapter's Unix-socket streams: the parent listens (node:net, and `Deno.listen` on a
 * Deno main thread), a child connects (Deno and Bun with their own APIs, Node with node:net).
 * Every process-context child talks to its parent this way.
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { adapter } from "../src/internal.ts";
import type { ByteStream } from "../src/runtime/adapter.ts";

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

  it("fails with ENOENT when nothing ever listens, after its patience", async () => {
    const started = performance.now();
    const error = await adapter.connect(`/tmp/multiproc-missing-${adapter.pid}-${Date.now()}.sock`, 200).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ENOENT");
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});
