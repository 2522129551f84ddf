import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Array as MpArray, Lock, Process, RawArray, RLock, SharedArray, Value, type ContextName, type Typecode } from "../src/index.ts";
import { countPair, useArrays, useSync, type Outcome } from "./fixtures/shared-tasks.ts";
import { readEncoded, runChild, tempDir } from "./helpers.ts";

const contexts: ContextName[] = ["process", "thread"];

function failed(outcome: unknown, errorClass: new (...args: never[]) => Error, message: RegExp): void {
  const o = outcome as Outcome;
  expect(o.ok).toBe(false);
  if (!o.ok) {
    expect(o.error).toBeInstanceOf(errorClass);
    expect(o.error.message).toMatch(message);
  }
}

describe("Array and RawArray in this process", () => {
  it("is exported as Array and as SharedArray", () => {
    expect(MpArray).toBe(SharedArray);
    expect(new MpArray("i", 1)).toBeInstanceOf(RawArray);
  });

  it("is made from a size (zeros) or from items; its length and typecode are fixed", async () => {
    const zeros = new SharedArray("h", 4);
    expect(zeros.length).toBe(4);
    expect(zeros.typecode).toBe("h");
    expect(await zeros.toArray()).toEqual([0, 0, 0, 0]);
    expect(await new RawArray("q", [1, 2n]).toArray()).toEqual([1n, 2n]);
    expect(await new RawArray("u", "héllo😀").toArray()).toEqual(["h", "é", "l", "l", "o", "😀"]);
    expect(await new RawArray("c", new TextEncoder().encode("hi")).toArray()).toEqual(Uint8Array.of(104, 105));
    expect(await new RawArray("d", new Set([0.5, 1.5])).toArray()).toEqual([0.5, 1.5]);
    expect(new RawArray("i", 0).length).toBe(0);
    expect(await new RawArray("i", 0).toArray()).toEqual([]);
  });

  it("rejects a bad size, bad items and an unknown typecode", () => {
    expect(() => new RawArray("i", -1)).toThrow(RangeError);
    expect(() => new RawArray("i", 1.5)).toThrow(RangeError);
    expect(() => new RawArray("i", [1, 2.5])).toThrow(/typecode 'i'/);
    expect(() => new RawArray("c", "text" as never)).toThrow(TypeError);
    expect(() => new RawArray("i", null as never)).toThrow(TypeError);
    expect(() => new SharedArray("w" as Typecode, 3)).toThrow(/unknown typecode "w": use one of 'c' 'u' 'b'/);
  });

  it("get and set, with negative indexes from the end; out of range throws RangeError", async () => {
    const a = new SharedArray("i", [10, 20, 30]);
    expect(await a.get(0)).toBe(10);
    expect(await a.get(-1)).toBe(30);
    expect(await a.get(-3)).toBe(10);
    await a.set(-2, 21);
    expect(await a.get(1)).toBe(21);
    for (const index of [3, -4, 100]) {
      await expect(a.get(index)).rejects.toThrow(RangeError);
      await expect(a.set(index, 1)).rejects.toThrow(/out of range for an array of length 3/);
    }
    await expect(a.get(0.5)).rejects.toThrow(TypeError);
    await expect(a.get("1" as never)).rejects.toThrow(/an array index must be an integer/);
    expect(await a.toArray()).toEqual([10, 21, 30]);
  });

  it("slice clamps and counts negative bounds from the end, like Array.prototype.slice", async () => {
    const a = new RawArray("b", [0, 1, 2, 3, 4]);
    const plain = [0, 1, 2, 3, 4];
    const bounds: Array<[number | undefined, number | undefined]> = [
      [undefined, undefined],
      [1, undefined],
      [1, 3],
      [-2, undefined],
      [-100, 2],
      [3, 1],
      [2, 100],
      [5, undefined],
      [0, -1],
    ];
    for (const [start, end] of bounds) expect(await a.slice(start, end)).toEqual(plain.slice(start, end));
    await expect(a.slice(0.5)).rejects.toThrow(TypeError);
  });

  it("setSlice writes at start, or exactly into [start, end); a wrong length throws and changes nothing", async () => {
    const a = new SharedArray("i", 5);
    await a.setSlice(1, [1, 2]);
    expect(await a.toArray()).toEqual([0, 1, 2, 0, 0]);
    await a.setSlice(-2, [8, 9]);
    expect(await a.toArray()).toEqual([0, 1, 2, 8, 9]);
    await a.setSlice(0, 2, [5, 6]);
    await a.setSlice(2, -2, [7]);
    expect(await a.toArray()).toEqual([5, 6, 7, 8, 9]);
    await a.setSlice(5, []);

    await expect(a.setSlice(4, [1, 2])).rejects.toThrow(RangeError);
    await expect(a.setSlice(0, 2, [1, 2, 3])).rejects.toThrow(/has 2 elements but 3 values were given/);
    await expect(a.setSlice(0, 5, [1])).rejects.toThrow(RangeError);
    await expect(a.setSlice(0, [1, 2, "x" as never])).rejects.toThrow(TypeError);
    await expect(a.setSlice(0, 42 as never)).rejects.toThrow(TypeError);
    expect(await a.toArray()).toEqual([5, 6, 7, 8, 9]);
  });

  it("wraps integers around per type, in set and setSlice alike", async () => {
    const cases: Array<[Typecode, unknown[], unknown[]]> = [
      ["b", [128, -129], [-128, 127]],
      ["B", [256, -1], [0, 255]],
      ["h", [32_768, -32_769], [-32_768, 32_767]],
      ["H", [65_536, -1], [0, 65_535]],
      ["i", [2 ** 31, -(2 ** 31) - 1], [-(2 ** 31), 2 ** 31 - 1]],
      ["I", [2 ** 32, -1], [0, 2 ** 32 - 1]],
      ["l", [2n ** 63n, -(2n ** 63n) - 1n], [-(2n ** 63n), 2n ** 63n - 1n]],
      ["L", [2n ** 64n, -1], [0n, 2n ** 64n - 1n]],
      ["q", [2n ** 63n, 2 ** 64], [-(2n ** 63n), 0n]],
      ["Q", [-1n, 2n ** 64n + 5n], [2n ** 64n - 1n, 5n]],
      ["f", [0.1, 3.4e39], [Math.fround(0.1), Infinity]],
      ["d", [0.1, -0], [0.1, -0]],
    ];
    for (const [code, input, expected] of cases) {
      const a = new RawArray(code, 2);
      await a.setSlice(0, input as never);
      expect(await a.toArray(), `typecode ${code}`).toEqual(expected);
      await a.set(1, input[0] as never);
      expect(await a.get(1)).toEqual(expected[0]);
    }
  });

  it("'c' arrays: getValue up to the first NUL, getRaw all bytes, setValue NUL-terminates, setRaw leaves the rest", async () => {
    const a = new SharedArray("c", 6);
    const bytes = (s: string) => new TextEncoder().encode(s);
    await a.setValue(bytes("hello"));
    expect(await a.getValue()).toEqual(bytes("hello"));
    expect(await a.getRaw()).toEqual(Uint8Array.of(104, 101, 108, 108, 111, 0));
    await a.setValue(bytes("hi"));
    expect(await a.getValue()).toEqual(bytes("hi"));
    expect(await a.getRaw()).toEqual(Uint8Array.of(104, 105, 0, 108, 111, 0));
    await a.setRaw(bytes("HEY"));
    expect(await a.getValue()).toEqual(bytes("HEYlo"));
    await a.setValue(bytes("sixsix"));
    expect(await a.getValue()).toEqual(bytes("sixsix"));
    expect(await a.get(0)).toEqual(bytes("s"));
    await a.set(0, bytes("S"));
    expect(await a.slice(0, 3)).toEqual(bytes("Six"));
    await expect(a.setValue(bytes("sevenbb"))).rejects.toThrow(RangeError);
    await expect(a.setRaw(bytes("sevenbb"))).rejects.toThrow(RangeError);
    await expect(a.setValue("text" as never)).rejects.toThrow(/a Uint8Array of bytes/);
    expect(await a.getValue()).toEqual(bytes("Sixsix"));
  });

  it("'u' arrays have a string value; other typecodes have none", async () => {
    const w = new RawArray("u", 4);
    await w.setValue("π😀");
    expect(await w.getValue()).toBe("π😀");
    expect(await w.toArray()).toEqual(["π", "😀", "\0", "\0"]);
    await expect(w.setValue("toolong")).rejects.toThrow(/7 characters but the array holds only 4/);
    const i = new RawArray("i", 2) as unknown as RawArray<"c">;
    await expect(i.getValue()).rejects.toThrow(/typecode 'c' or 'u'; this one is 'i'/);
    await expect(i.getRaw()).rejects.toThrow(/typecode 'c'; this one is 'i'/);
    await expect((w as unknown as RawArray<"c">).setRaw(Uint8Array.of(1))).rejects.toThrow(TypeError);
  });

  it("at, setAt and view reach the memory directly in the creating thread", async () => {
    const a = new SharedArray("d", [1, 2, 3]);
    expect(a.at(-1)).toBe(3);
    a.setAt(0, 1.25);
    expect(await a.get(0)).toBe(1.25);
    expect(a.view).toBeInstanceOf(Float64Array);
    expect(a.view).toBe(a.view);
    a.view[1] = 2.5;
    expect(await a.toArray()).toEqual([1.25, 2.5, 3]);
    expect(() => a.at(3)).toThrow(RangeError);
    expect(() => a.setAt(0, "x" as never)).toThrow(TypeError);
    expect(new RawArray("Q", 1).view).toBeInstanceOf(BigUint64Array);
    expect(new RawArray("u", "a").view).toEqual(Uint32Array.of(97));
  });

  it("the lock option as for Value; RawArray has no lock", async () => {
    expect(new SharedArray("i", 1).getLock()).toBeInstanceOf(RLock);
    const lock = new Lock();
    expect(new SharedArray("i", 1, { lock }).getLock()).toBe(lock);
    expect(() => new SharedArray("i", 1, { lock: false }).getLock()).toThrow(/created with \{ lock: false \}/);
    expect("getLock" in new RawArray("i", 1)).toBe(false);
  });
});

describe.each(contexts)("Array across the %s context", (context) => {
  it("a child uses every method; out-of-range and wrong-length errors reach it with their class", async () => {
    const file = join(tempDir(), "arrays.bin");
    const ints = new SharedArray("i", [1, 2, 3, 4, 5]);
    const text = new SharedArray("c", new TextEncoder().encode("ab\0cd"));
    const wide = new RawArray("u", 3);
    await wide.setValue("ok");
    const longs = new RawArray("q", [5n, 6n]);
    await runChild(useArrays, [file, ints, text, wide, longs], context);
    const r = readEncoded(file);
    expect(r.length).toBe(5);
    expect(r.initial).toEqual([1, 2, 3, 4, 5]);
    expect(r.last).toBe(5);
    expect(r.after).toEqual([3, 10, 20, -1, -2]);
    expect(r.slice).toEqual([10, 20, -1]);
    failed(r.getOut, RangeError, /index 5 is out of range/);
    failed(r.setOut, RangeError, /index -6 is out of range/);
    failed(r.setSliceLong, RangeError, /cannot write 2 values at index 4/);
    failed(r.setSliceWrong, RangeError, /has 2 elements but 1 values/);
    expect(r.textValue).toEqual(Uint8Array.of(97, 98));
    expect(r.textRaw).toEqual(Uint8Array.of(97, 98, 0, 99, 100));
    expect(r.textSlice).toEqual(Uint8Array.of(104, 101, 121, 0));
    failed(r.textTooLong, RangeError, /6 bytes but the array holds only 5/);
    expect(r.wide).toBe("ok");
    expect(r.longs).toEqual([5n, 6n]);

    expect(await ints.toArray()).toEqual([3, 10, 20, -1, -2]);
    expect(await text.getValue()).toEqual(new TextEncoder().encode("hey"));
    expect(await wide.getValue()).toBe("√π");
    expect(await longs.toArray()).toEqual([-(2n ** 63n), -1n]);
  });

  it("at, setAt and view work in worker threads and say why they cannot in other processes", async () => {
    const file = join(tempDir(), "sync.bin");
    const a = new SharedArray("d", [1, 2, 3]);
    await runChild(useSync, [file, new Value("i", 0), a], context);
    const r = readEncoded<Record<string, Outcome>>(file);
    if (context === "thread") {
      expect(r.at).toEqual({ ok: true, value: 3 });
      expect(r.setAt!.ok).toBe(true);
      expect(r.view).toEqual({ ok: true, value: 3 });
      failed(r.outOfRange, RangeError, /out of range/);
      expect(await a.toArray()).toEqual([7.5, 8.5, 3]);
    } else {
      for (const [key, member] of [
        ["at", "at"],
        ["setAt", "setAt"],
        ["view", "view"],
      ] as const) {
        failed(r[key], TypeError, new RegExp(`SharedArray\\.${member}\\(\\) works only where .* use the async method`));
      }
      expect(await a.toArray()).toEqual([1, 2, 3]);
    }
  });

  it("its lock travels with it: two children read-modify-writing two elements under it lose nothing", async () => {
    const pair = new SharedArray("i", 2);
    const gate = new Lock();
    const arrived = new Value("i", 0);
    await gate.acquire(); // the last child to arrive releases it
    const children = [0, 1].map(() => new Process({ target: countPair, args: [pair, 300, gate, arrived, 2], context }));
    for (const p of children) p.start();
    for (const p of children) await p.join();
    expect(await pair.toArray()).toEqual([600, 600]);
  });
});
