import { type ContextName } from "@multiproc/core";
import { Queue, QueueClosedError } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { consume, produce, produceAndClose, shoutAll, shoutInChildren, sumInChildren } from "./producer-consumer.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/**
 * Waits for `promise`, but at most `ms` milliseconds: a consumer that never gets its sentinel
 * (or never sees the queue closed) waits for ever, and the test must then fail with a clear
 * message instead of hanging the whole run. Correct code takes a second or two.
 */
async function within<T>(what: string, promise: Promise<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s: is a consumer waiting for an item that never comes?`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every item on `q` now, taken without waiting (the tests below put them all first). */
async function drain<T>(q: Queue<T>, n: number): Promise<T[]> {
  const items: T[] = [];
  for (let i = 0; i < n; i++) items.push(await q.get({ block: false }));
  return items;
}

describe("1. Stop at the sentinel", () => {
  it("produce, called here, puts 1 to count, then one null per consumer", async () => {
    const q = new Queue<number | null>();
    await produce(q, 3, 2);
    expect(await drain(q, 5)).toEqual([1, 2, 3, null, null]);
    expect(await q.empty()).toBe(true);
  });

  it("consume, called here, sums up to the sentinel and reads nothing after it", async () => {
    const q = new Queue<number | null>();
    const totals = new Queue<number>();
    for (const item of [1, 2, 3, null, 40]) await q.put(item);
    await consume(q, totals);
    expect(await totals.get({ block: false })).toBe(6);
    expect(await q.get({ block: false }), "the item after the sentinel must still be on the queue").toBe(40);
  });
});

describe("2. Producer and consumers in children", () => {
  it("sumInChildren with one consumer: the sum, and both children end by themselves", async () => {
    const { result, exitCodes } = await within("sumInChildren(100, 1)", sumInChildren(100, 1, context));
    expect(result).toEqual([5050]);
    expect(exitCodes).toEqual([0, 0]);
  });

  it("sumInChildren with two consumers: one sum each, adding up to the total", async () => {
    const { result, exitCodes } = await within("sumInChildren(100, 2)", sumInChildren(100, 2, context));
    expect(result).toHaveLength(2);
    expect(result[0]! + result[1]!).toBe(5050);
    expect(exitCodes, "exit codes of the producer and the two consumers").toEqual([0, 0, 0]);
  });
});

describe("3. Close the queue", () => {
  it("produceAndClose, called here, puts the words and closes the queue", async () => {
    const q = new Queue<string>();
    await produceAndClose(q, ["a", "b"]);
    await expect(q.put("c")).rejects.toBeInstanceOf(QueueClosedError);
    expect(await drain(q, 2)).toEqual(["a", "b"]);
    await expect(q.get()).rejects.toBeInstanceOf(QueueClosedError);
  });

  it("shoutAll, called here, reads until the queue is closed and sends one array", async () => {
    const q = new Queue<string>();
    const out = new Queue<string[]>();
    for (const word of ["x", "why"]) await q.put(word);
    await q.close();
    await shoutAll(q, out);
    expect(await out.get({ block: false })).toEqual(["X", "WHY"]);
  });

  it("shoutInChildren: words in order, and both children end by themselves", async () => {
    const { result, exitCodes } = await within("shoutInChildren", shoutInChildren(["one", "two", "three", "four", "five"], context));
    expect(result).toEqual(["ONE", "TWO", "THREE", "FOUR", "FIVE"]);
    expect(exitCodes).toEqual([0, 0]);
  });
});
