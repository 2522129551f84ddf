import { type ContextName } from "@multiproc/core";
import { Queue, QueueClosedError } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { collectInOrder, getWithin, measureWord, square, squares, wordLengths } from "./queue-results.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

describe("1. One get per result", () => {
  it("square, called here, puts the input and its square", async () => {
    const results = new Queue<[number, number]>();
    await square(7, results);
    expect(await results.get()).toEqual([7, 49]);
  });

  it("squares: three children, three results", async () => {
    const found = await squares([1, 2, 3], context);
    expect(found).toBeInstanceOf(Map);
    expect([...found].sort((a, b) => a[0] - b[0])).toEqual([[1, 1], [2, 4], [3, 9]]);
  });

  it("squares of no inputs is an empty map (no child, no get)", async () => {
    expect(await squares([], context)).toEqual(new Map());
  });
});

describe("2. Arrival order is not start order", () => {
  it("collectInOrder puts each value at its index, whatever order they come in", async () => {
    const results = new Queue<[number, string]>();
    for (const item of [[2, "c"], [0, "a"], [1, "b"]] as [number, string][]) await results.put(item);
    expect(await collectInOrder(results, 3)).toEqual(["a", "b", "c"]);
  });

  it("collectInOrder gets exactly count items and leaves the rest on the queue", async () => {
    const results = new Queue<[number, string]>();
    for (const item of [[1, "b"], [0, "a"], [0, "next"]] as [number, string][]) await results.put(item);
    expect(await collectInOrder(results, 2)).toEqual(["a", "b"]);
    expect(await results.get()).toEqual([0, "next"]);
  });

  it("measureWord, called here, puts its index and the word's length", async () => {
    const results = new Queue<[number, number]>();
    await measureWord(2, "fig", results);
    expect(await results.get()).toEqual([2, 3]);
  });

  it("wordLengths: one child per word, lengths in the words' order", async () => {
    expect(await wordLengths(["a", "tree", "fig"], context)).toEqual([1, 4, 3]);
  });
});

describe("3. Do not wait for ever", () => {
  it("getWithin returns an item that is there", async () => {
    const queue = new Queue<string>();
    await queue.put("hello");
    expect(await getWithin(queue, 1000)).toBe("hello");
  });

  it("getWithin returns undefined after waiting ms milliseconds on an empty queue", async () => {
    const started = performance.now();
    expect(await getWithin(new Queue<string>(), 100)).toBeUndefined();
    // 5 ms of slack: timers may fire a little early on some runtimes.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("getWithin does not hide other errors: a closed, empty queue throws QueueClosedError", async () => {
    const queue = new Queue<string>();
    await queue.close();
    await expect(getWithin(queue, 100)).rejects.toBeInstanceOf(QueueClosedError);
  });
});
