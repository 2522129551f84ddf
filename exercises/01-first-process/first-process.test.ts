import { type ContextName, Process } from "@multiproc/core";
import { describe, expect, it } from "vitest";
import { checkAge, isValidAgeInChild, nap, napAndWait, startNap } from "./first-process.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

describe("1. The child's work", () => {
  it("nap(ms) waits at least ms milliseconds when called here", async () => {
    const started = performance.now();
    await nap(100);
    // 5 ms of slack: timers may fire a little early on some runtimes.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("nap runs in a child, which then ends with exit code 0", async () => {
    const child = new Process({ target: nap, args: [50], context });
    child.start();
    await child.join();
    expect(child.exitCode).toBe(0);
  });
});

describe("2. Start a child", () => {
  it("startNap returns a child that has started and is still running", async () => {
    const child = startNap(300, context);
    expect(child).toBeInstanceOf(Process);
    expect(child.isAlive()).toBe(true);
    expect(child.exitCode).toBeNull();
    await child.join();
    expect(child.exitCode).toBe(0);
  });

  it("startNap runs the child in the context it is given", async () => {
    const child = startNap(10, context);
    expect(child.context).toBe(context);
    await child.join();
  });

  it("the child's pid: its own in the process context, the parent's in the thread context", async () => {
    const child = startNap(10, context);
    if (context === "process") {
      // A child OS process has a pid of its own.
      expect(child.pid).toBeTypeOf("number");
      expect(child.pid).not.toBe(process.pid);
    } else {
      // A worker thread runs inside this process: same pid, its own thread id.
      expect(child.pid).toBe(process.pid);
      expect(child.threadId).toBeGreaterThan(0);
    }
    await child.join();
  });
});

describe("3. Wait for it", () => {
  it("napAndWait returns the exit code 0 of a child that returned normally", async () => {
    expect(await napAndWait(10, context)).toBe(0);
  });

  it("napAndWait waits until the child has ended", async () => {
    const started = performance.now();
    await napAndWait(300, context);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });
});

describe("4. Exit codes", () => {
  it("checkAge accepts whole numbers from 0 to 150", () => {
    for (const age of [0, 1, 42, 150]) expect(() => checkAge(age)).not.toThrow();
  });

  it("checkAge throws a RangeError for anything else", () => {
    for (const age of [-1, 151, 2.5, Number.NaN]) expect(() => checkAge(age)).toThrow(RangeError);
  });

  it("a child that returns has exit code 0; a child that throws has exit code 1", async () => {
    const ok = new Process({ target: checkAge, args: [42], context });
    const bad = new Process({ target: checkAge, args: [-1], context });
    ok.start();
    bad.start();
    await ok.join();
    await bad.join();
    expect(ok.exitCode).toBe(0);
    expect(bad.exitCode).toBe(1);
  });

  it("isValidAgeInChild answers from the child's exit code", async () => {
    expect(await isValidAgeInChild(42, context)).toBe(true);
    expect(await isValidAgeInChild(-1, context)).toBe(false);
    expect(await isValidAgeInChild(2.5, context)).toBe(false);
  });
});
