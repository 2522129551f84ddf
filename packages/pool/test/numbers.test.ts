import { describe, expect, it } from "vitest";
import { joinResults, packNumbers } from "../src/numbers.ts";

describe("packed numbers", () => {
  it("packNumbers packs an array of numbers only, exactly, and refuses anything else", () => {
    const packed = packNumbers([1, -0, NaN, 2.5, Infinity]);
    expect(packed).toBeInstanceOf(Float64Array);
    expect([...packed!]).toEqual([1, -0, NaN, 2.5, Infinity]);
    expect(Object.is(packed![1], -0)).toBe(true);
    expect(packNumbers([])).toEqual(new Float64Array(0));
    expect(packNumbers([1, 2, "3"])).toBeUndefined();
    expect(packNumbers([1, 2n])).toBeUndefined();
    expect(packNumbers([1, , 3])).toBeUndefined(); // a hole is not a number
    expect(packNumbers([1, new Number(2)])).toBeUndefined();
  });

  it("joinResults joins packed and unpacked chunks in order", () => {
    expect(joinResults([new Float64Array([1, 2]), ["a", 3], new Float64Array([-0])])).toEqual([1, 2, "a", 3, -0]);
    expect(Object.is(joinResults([new Float64Array([-0])])[0], -0)).toBe(true);
    const only = ["a", "b"];
    expect(joinResults([only])).toBe(only);
    expect(joinResults([[1], [2, 3], []])).toEqual([1, 2, 3]);
    expect(joinResults([])).toEqual([]);
    const many = Array.from({ length: 3000 }, (_, i) => [i]);
    expect(joinResults(many)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
