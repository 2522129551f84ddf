import { type ContextName } from "@multiproc/core";
import { describe, expect, it } from "vitest";
import { comparePoolToSerial, countAllAsync, countPrimes, countPrimesTask, waitAllAtOnce, waitOneByOne } from "./cpu-vs-io.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

describe("1. One thread, one thing at a time", () => {
  it("countAllAsync returns a span per job, in job order, with the right counts", async () => {
    const spans = await countAllAsync([1000, 10, 100]);
    expect(spans.map((span) => span.count)).toEqual([168, 4, 25]);
    for (const span of spans) expect(span.end).toBeGreaterThanOrEqual(span.start);
  });

  it("the async calls, all started by Promise.all, ran one after another: none started before the previous one ended", async () => {
    const spans = await countAllAsync([30_000, 30_000, 30_000, 30_000]);
    expect(spans.map((span) => span.count)).toEqual([3245, 3245, 3245, 3245]);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.start, `job ${i} started before job ${i - 1} ended`).toBeGreaterThanOrEqual(spans[i - 1]!.end);
    }
  });
});

describe("2. A pool for CPU-bound work", () => {
  it("countPrimesTask, called here, counts and names this process", () => {
    expect(countPrimesTask(100)).toEqual([25, "MainProcess"]);
  });

  it("comparePoolToSerial: the pool finds the same counts as the serial run, with 2 workers, and both times are measured", async () => {
    const jobs = [150_000, 150_000, 150_000, 150_000];
    const expected = countPrimes(150_000);
    const c = await comparePoolToSerial(jobs, context);
    expect(c.serial).toEqual([expected, expected, expected, expected]);
    expect(c.parallel).toEqual(c.serial);
    // The pool gives each idle worker a job before it queues more on a busy one.
    expect(c.workers).toBe(2);
    // Only that the times were measured: how much faster the pool is depends on the machine and its load.
    expect(c.serialMs).toBeGreaterThan(0);
    expect(c.poolMs).toBeGreaterThan(0);
  });
});

describe("3. Waiting needs no extra processes", () => {
  it("waitOneByOne: one wait at a time, so it takes at least n × ms", async () => {
    const report = await waitOneByOne(3, 40);
    expect(report.mostAtOnce).toBe(1);
    // A few ms of slack: timers may fire a little early on some runtimes.
    expect(report.elapsedMs).toBeGreaterThanOrEqual(3 * 40 - 5);
  });

  it("waitAllAtOnce: all n waits are in progress at the same time, in this one thread", async () => {
    const report = await waitAllAtOnce(10, 50);
    expect(report.mostAtOnce).toBe(10);
    expect(report.elapsedMs).toBeGreaterThanOrEqual(50 - 5);
  });
});
