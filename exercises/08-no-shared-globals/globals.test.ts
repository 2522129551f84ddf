import type { ContextName } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { addSquare, results, setUnit, squareAt, squaresIntoGlobal, squaresViaQueue, unit, unitPassedToChild, unitSeenByChild } from "./globals.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/** Calls `make` the first time it is called, and returns that same promise every time. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= make());
}

describe("1. The shared-list pitfall", () => {
  it("addSquare, called here, pushes onto this process's results and reports the list", async () => {
    const seen = new Queue<number[]>();
    const before = [...results];
    await addSquare(5, seen);
    expect(results).toEqual([...before, 25]);
    expect(await seen.get({ timeout: 5_000 })).toEqual([...before, 25]);
  });

  // One run for the next two tests (children are slow to start): started by the first that needs it.
  const run = once(async () => {
    const resultsBefore = [...results];
    return { ...(await squaresIntoGlobal([2, 3], context)), resultsBefore };
  });

  it("in the children, each push went to a list of the child's own, which started empty", async () => {
    const { childrenSaw } = await run();
    expect(childrenSaw).toEqual([[4], [9]]);
  });

  it("the children's pushes never reached this process's results", async () => {
    const { resultsHere, resultsBefore } = await run();
    expect(resultsHere).toEqual(resultsBefore);
    expect(resultsHere).not.toContain(9);
  });
});

describe("2. A global set before start()", () => {
  const seenByChild = once(async () => {
    setUnit("cm");
    return unitSeenByChild("in", context);
  });

  it("unitSeenByChild changes unit in this process", async () => {
    await seenByChild();
    expect(unit).toBe("in");
  });

  it("but the child loaded the file afresh: it sees the unit the file starts with", async () => {
    expect(await seenByChild()).toBe("cm");
  });

  it("unitPassedToChild passes the unit as an argument: the child gets it, and unit here is not changed", async () => {
    setUnit("cm");
    expect(await unitPassedToChild("mm", context)).toBe("mm");
    expect(unit).toBe("cm");
  });
});

describe("3. Send the results back", () => {
  it("squareAt, called here, puts [index, square] on the queue", async () => {
    const out = new Queue<[number, number]>();
    await squareAt(1, 7, out);
    expect(await out.get({ timeout: 5_000 })).toEqual([1, 49]);
  });

  it("squaresViaQueue returns every child's square, in the order of xs", async () => {
    expect(await squaresViaQueue([3, 1, 2], context)).toEqual([9, 1, 4]);
  });
});
