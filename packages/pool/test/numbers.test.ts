import { describe, expect, it } from "vitest";
import { placeResults } from "../src/numbers.ts";

describe("placing results", () => {
  it("placeResults copies packed and unpacked chunks to their places, in any order of arrival", () => {
    const out = new Array<unknown>(6);
    placeResults(out, 4, new Float64Array([-0, 7]));
    placeResults(out, 2, ["a", 3]);
    placeResults(out, 2, []);
    placeResults(out, 0, new Float64Array([1, 2]));
    expect(out).toEqual([1, 2, "a", 3, -0, 7]);
    expect(Object.is(out[4], -0)).toBe(true);
    expect(Object.keys(out)).toHaveLength(6);
  });
});
