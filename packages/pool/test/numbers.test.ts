import { describe, expect, it } from "vitest";
import { joinResults } from "../src/numbers.ts";

describe("joining results", () => {
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
