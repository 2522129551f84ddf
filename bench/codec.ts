/**
 * Micro-benchmark of the message codec against the alternatives, on whichever runtime runs it:
 *
 * ```sh
 * node_modules/.bin/node bench/codec.ts
 * node_modules/.bin/deno run -A bench/codec.ts
 * node_modules/.bin/bun bench/codec.ts
 * ```
 *
 * For a small object and for a 1 MiB Uint8Array it prints µs per round trip (encode + decode)
 * of: JSON (small object only), `node:v8` serialize/deserialize, `structuredClone`, the codec's
 * `encode`/`decode` (thread target, bins adopted) and `encodeToBytes`/`decodeFromBytes`
 * (process target), and the codec's ratio to JSON and to `node:v8`.
 *
 * @module
 */
import { deserialize, serialize } from "node:v8";
import { decode, decodeFromBytes, encode, encodeToBytes } from "../packages/core/src/codec/index.ts";

const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
const runtime = g.Deno ? `deno ${g.Deno.version.deno}` : g.Bun ? `bun ${g.Bun.version}` : `node ${process.versions.node}`;

/** Median µs per call of `fn` over `rounds` timed batches, after a warm-up. */
function measure(fn: (i: number) => unknown, batch: number, rounds = 15): number {
  let sink: unknown;
  for (let i = 0; i < batch * 2; i++) sink = fn(i); // warm up the JIT
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn(i);
    samples.push(((performance.now() - t0) * 1000) / batch);
  }
  if (sink === Symbol.for("never")) console.log(sink);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

interface Row {
  name: string;
  us: number;
}

function report(title: string, rows: Row[], reference: Row[]): void {
  console.log(`\n${title}`);
  for (const row of rows) {
    const ratios = reference
      .filter((ref) => ref !== row)
      .map((ref) => `${(row.us / ref.us).toFixed(2)}× ${ref.name}`)
      .join(", ");
    console.log(`  ${row.name.padEnd(28)} ${row.us.toFixed(row.us < 10 ? 3 : 1).padStart(9)} µs   ${ratios}`);
  }
}

console.log(`codec micro-benchmark on ${runtime} (median µs per round trip)`);

// ── small object ─────────────────────────────────────────────────────────────────────────────
{
  const batch = 20_000;
  // The codec first: structuredClone on Deno leaves garbage that slows whatever runs after it.
  const json: Row = { name: "JSON stringify+parse", us: measure((i) => JSON.parse(JSON.stringify({ i, s: "hello" })), batch) };
  const codec: Row = { name: "encode/decode", us: measure((i) => decode(encode({ i, s: "hello" }, { target: "thread" })), batch) };
  const bytes: Row = { name: "encodeToBytes/decodeFromBytes", us: measure((i) => decodeFromBytes(encodeToBytes({ i, s: "hello" })), batch) };
  const v8: Row = { name: "node:v8 serialize", us: measure((i) => deserialize(serialize({ i, s: "hello" })), batch) };
  const clone: Row = { name: "structuredClone", us: measure((i) => structuredClone({ i, s: "hello" }), batch) };
  report("{ i, s: \"hello\" }", [json, codec, bytes, v8, clone], [json, v8]);
}

// ── 1 MiB Uint8Array ─────────────────────────────────────────────────────────────────────────
{
  const batch = 200;
  const data = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  const codec: Row = { name: "encode/decode", us: measure(() => decode(encode(data, { target: "thread" })), batch) };
  const bytes: Row = { name: "encodeToBytes/decodeFromBytes", us: measure(() => decodeFromBytes(encodeToBytes(data)), batch) };
  const v8: Row = { name: "node:v8 serialize", us: measure(() => deserialize(serialize(data)), batch) };
  const clone: Row = { name: "structuredClone", us: measure(() => structuredClone(data), batch) };
  report("1 MiB Uint8Array", [codec, bytes, v8, clone], [v8, clone]);
}
