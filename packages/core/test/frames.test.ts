import { describe, expect, it } from "vitest";
import { decodeFromBytes, encodeToBytes, FrameError, FrameReader, frame } from "../src/codec/index.ts";

/** A small deterministic PRNG (mulberry32), so a failing fuzz case can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Index of the first differing byte, or -1 (a loop: faster than a deep equality on 16 MiB). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe("frame", () => {
  it("prefixes the payload with its length, 4 bytes big-endian", () => {
    expect([...frame(new Uint8Array([7, 8]))]).toEqual([0, 0, 0, 2, 7, 8]);
    expect([...frame(new Uint8Array(0))]).toEqual([0, 0, 0, 0]);
    expect([...frame(new Uint8Array(0x010203)).subarray(0, 4)]).toEqual([0, 1, 2, 3]);
  });

  it("copies the payload", () => {
    const payload = new Uint8Array([1]);
    const framed = frame(payload);
    payload[0] = 9;
    expect(framed[4]).toBe(1);
  });
});

describe("FrameReader", () => {
  it("returns every payload of a chunk holding several frames, zero-length ones included", () => {
    const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array([4]), new Uint8Array(0)];
    const reader = new FrameReader();
    const out = reader.push(concat(payloads.map(frame)));
    expect(out.map((p) => [...p])).toEqual([[1, 2, 3], [], [4], []]);
    expect(reader.pending).toBe(0);
  });

  it("reassembles a stream fed one byte at a time, and reports what it buffers", () => {
    const stream = concat([frame(new Uint8Array([5, 6, 7])), frame(new Uint8Array(0))]);
    const reader = new FrameReader();
    const out: Uint8Array[] = [];
    const pendings: number[] = [];
    for (const byte of stream) {
      out.push(...reader.push(new Uint8Array([byte])));
      pendings.push(reader.pending);
    }
    expect(out.map((p) => [...p])).toEqual([[5, 6, 7], []]);
    // prefix bytes 1..4, body bytes 5..6, frame complete (0); then the empty frame's prefix.
    expect(pendings).toEqual([1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 0]);
  });

  it("survives any split: fuzzed payloads and split points", () => {
    const iterations = 1500;
    for (let seed = 1; seed <= iterations; seed++) {
      const random = prng(seed);
      const count = Math.floor(random() * 8);
      const payloads: Uint8Array[] = [];
      for (let i = 0; i < count; i++) {
        const length = random() < 0.2 ? 0 : Math.floor(random() * (random() < 0.1 ? 5000 : 300));
        payloads.push(new Uint8Array(length).map(() => Math.floor(random() * 256)));
      }
      const stream = concat(payloads.map(frame));
      const cuts = new Set<number>();
      const cutCount = Math.floor(random() * 12);
      for (let i = 0; i < cutCount; i++) cuts.add(Math.floor(random() * (stream.byteLength + 1)));
      const points = [0, ...[...cuts].sort((a, b) => a - b), stream.byteLength];
      const reader = new FrameReader();
      const got: Uint8Array[] = [];
      for (let i = 1; i < points.length; i++) got.push(...reader.push(stream.subarray(points[i - 1], points[i])));
      const where = `seed ${seed}`;
      expect(got.length, where).toBe(payloads.length);
      for (let i = 0; i < payloads.length; i++) expect(firstDifference(got[i]!, payloads[i]!), `${where}, payload ${i}`).toBe(-1);
      expect(reader.pending, where).toBe(0);
    }
  });

  it("reassembles a 16 MiB payload from 64 KiB chunks and from random-size chunks", () => {
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i >>> 12) & 0xff;
    big[big.length - 1] = 0xab;
    const stream = concat([frame(new Uint8Array([1])), frame(big), frame(new Uint8Array([2]))]);

    const inFixed = new FrameReader();
    const fixed: Uint8Array[] = [];
    for (let at = 0; at < stream.byteLength; at += 65536) fixed.push(...inFixed.push(stream.subarray(at, at + 65536)));
    expect(fixed.map((p) => p.byteLength)).toEqual([1, big.byteLength, 1]);
    expect(firstDifference(fixed[1]!, big)).toBe(-1);
    expect([fixed[0]![0], fixed[2]![0]]).toEqual([1, 2]);

    const random = prng(16);
    const inRandom = new FrameReader();
    const varied: Uint8Array[] = [];
    for (let at = 0; at < stream.byteLength; ) {
      const size = 1 + Math.floor(random() * 300_000);
      varied.push(...inRandom.push(stream.subarray(at, at + size)));
      at += size;
      if (varied.length < 2 && at > 5 && at < stream.byteLength - 5) {
        expect(inRandom.pending).toBe(at - 5); // the 5-byte first frame is done; the rest is buffered
      }
    }
    expect(varied.map((p) => p.byteLength)).toEqual([1, big.byteLength, 1]);
    expect(firstDifference(varied[1]!, big)).toBe(-1);
  });

  it("returns payloads that do not share memory with the chunks", () => {
    const chunk = frame(new Uint8Array([1, 2, 3]));
    const [payload] = new FrameReader().push(chunk);
    chunk.fill(0);
    expect([...payload!]).toEqual([1, 2, 3]);
  });

  it("refuses a frame larger than maxPayloadBytes, and stays broken", () => {
    const reader = new FrameReader({ maxPayloadBytes: 4 });
    expect(reader.push(frame(new Uint8Array(4))).map((p) => p.byteLength)).toEqual([4]);
    expect(() => reader.push(frame(new Uint8Array(5)))).toThrow(FrameError);
    expect(() => reader.push(frame(new Uint8Array(1)))).toThrow(/announces 5 bytes, more than the 4/);
    // The default limit (1 GiB) rejects a garbage prefix instead of allocating 4 GiB.
    expect(() => new FrameReader().push(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(FrameError);
    expect(() => new FrameReader({ maxPayloadBytes: -1 })).toThrow(RangeError);
  });

  it("carries codec messages: encodeToBytes → frame → FrameReader → decodeFromBytes", () => {
    const values = [{ a: 1 }, new Map([["k", new Uint8Array([1, 2])]]), [NaN, -0, 5n], "end"];
    const stream = concat(values.map((v) => frame(encodeToBytes(v))));
    const reader = new FrameReader();
    const got: unknown[] = [];
    for (let at = 0; at < stream.byteLength; at += 7) {
      for (const payload of reader.push(stream.subarray(at, at + 7))) got.push(decodeFromBytes(payload));
    }
    expect(got).toEqual(values);
  });
});
