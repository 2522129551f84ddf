import { type ContextName, RawValue, SharedArray, Value } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { addOnes, average, averageInChild, countInChildren, fillSquares, readInChild, readTwoWays, squaresInChildren, type TwoReads } from "./shared-memory.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

describe("1. A shared counter", () => {
  it("addOnes, called here, adds 1 to the counter `times` times", async () => {
    const counter = new Value("i", 5);
    await addOnes(counter, 3);
    expect(await counter.get()).toBe(8);
  });

  it("two children adding 50 each to one shared counter: exactly 100, no update lost", async () => {
    expect(await countInChildren(2, 50, context)).toBe(100);
  });
});

describe("2. A shared array", () => {
  it("fillSquares, called here, writes i * i from `first` on, every `step` elements", async () => {
    const squares = new SharedArray("i", 6);
    await fillSquares(squares, 1, 2);
    expect(await squares.toArray()).toEqual([0, 1, 0, 9, 0, 25]);
  });

  it("squaresInChildren: two children fill one shared array, each its half", async () => {
    expect(await squaresInChildren(6, context)).toEqual([0, 1, 4, 9, 16, 25]);
  });
});

describe("3. The right typecode", () => {
  it("average, called here, writes the mean into a Value of typecode \"d\"", async () => {
    const mean = new Value("d", 0);
    await average(new SharedArray("i", [1, 2]), mean);
    expect(await mean.get()).toBe(1.5);
  });

  it("averageInChild returns the mean the child wrote, fraction and all", async () => {
    // 7 / 3 needs a double: an int typecode cannot hold a fraction, and a float ("f") rounds it.
    expect(await averageInChild([1, 2, 4], context)).toBe(7 / 3);
  });
});

describe("4. Thread or process: two ways to read", () => {
  it("readTwoWays, called where the value was created, reads it both ways", async () => {
    const out = new Queue<TwoReads>();
    await readTwoWays(new RawValue("i", 7), out);
    expect(await out.get({ timeout: 5_000 })).toEqual({ viaGet: 7, viaValue: 7 });
  });

  it("in a child, get() works in both contexts; .value only where the memory is shared (thread)", async () => {
    const reads = await readInChild(42, context);
    if (context === "thread") {
      // A worker thread uses the same memory: the synchronous accessor works.
      expect(reads).toEqual({ viaGet: 42, viaValue: 42 });
    } else {
      // Another OS process reaches the value through its owner: only the async API works.
      expect(reads).toEqual({ viaGet: 42, viaValue: "TypeError" });
    }
  });
});
