import { type ContextName } from "@multiproc/core";
import { AsyncResult, Pool, PoolStateError } from "@multiproc/pool";
import { describe, expect, it } from "vitest";
import { collect, finish, giveUp, hundredTasks, nap, square, squaresWithMap, startSquares, whoSquares } from "./pool.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

describe("1. map", () => {
  it("square, called here, squares", () => {
    expect([0, 1, 7, -3].map((x) => square(x))).toEqual([0, 1, 49, 9]);
  });

  it("squaresWithMap returns the squares in the order of the numbers", async () => {
    const numbers = [5, 1, 4, 2, 3, 9, 0, 8];
    expect(await squaresWithMap(numbers, context)).toEqual(numbers.map((x) => x * x));
  });
});

describe("2. applyAsync", () => {
  it("startSquares returns one AsyncResult per number at once; collect gives their values in order", async () => {
    const pool = new Pool({ processes: 2, context });
    try {
      const pending = startSquares(pool, [7, 8, 9, 10]);
      expect(pending).toHaveLength(4);
      for (const result of pending) expect(result).toBeInstanceOf(AsyncResult);
      // Results arrive from other processes or threads, never before startSquares has returned.
      expect(pending.some((result) => result.ready())).toBe(false);
      expect(await collect(pending)).toEqual([49, 64, 81, 100]);
    } finally {
      await pool.terminate();
    }
  });
});

describe("3. Ten workers, a hundred tasks", () => {
  it("whoSquares, called here, names this process", () => {
    expect(whoSquares(3)).toEqual([9, "MainProcess"]);
  });

  it("hundredTasks: 10 workers compute the 100 squares, in order, and more than one worker took part", async () => {
    const { squares, workers } = await hundredTasks(context);
    expect(squares).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
    // The pool hands work to every idle worker before it queues more on a busy one.
    expect(workers).toBeGreaterThan(1);
    expect(workers).toBeLessThanOrEqual(10);
  });
});

describe("4. close, join, terminate", () => {
  it("finish lets the pending work complete, then the pool takes no more work", async () => {
    const pool = new Pool({ processes: 2, context });
    try {
      const pending = [1, 2, 3, 4].map((x) => pool.applyAsync(square, [x]));
      await finish(pool);
      expect(pending.every((result) => result.ready()), "finish returned before the work was done").toBe(true);
      expect(await Promise.all(pending.map((result) => result.get()))).toEqual([1, 4, 9, 16]);
      expect(() => pool.applyAsync(square, [5])).toThrow(PoolStateError);
    } finally {
      await pool.terminate(); // nothing left to stop when finish worked
    }
  });

  it("giveUp stops the workers at once: a task still running fails with PoolStateError", async () => {
    const pool = new Pool({ processes: 2, context });
    try {
      const slow = pool.applyAsync(nap, [20_000]);
      await giveUp(pool);
      await expect(slow.get()).rejects.toBeInstanceOf(PoolStateError);
      expect(() => pool.applyAsync(square, [5])).toThrow(PoolStateError);
    } finally {
      await pool.terminate(); // nothing left to stop when giveUp worked
    }
  });
});
