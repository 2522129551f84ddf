import { Barrier, Condition, type ContextName, Event, Process, Semaphore, Value } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { add, crowd, handOver, pause, phases, readWhenReady, runPhases, sumInChildren, visit, waitForTotal } from "./sync-primitives.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/**
 * Runs `add(cond, total, n)` in a child and waits for it. (Not here: async callers in one thread
 * are one holder of the condition's lock, so an `add` here could not take turns with a
 * `waitForTotal` here.)
 */
async function addInChild(cond: Condition, total: Value<"i">, n: number): Promise<void> {
  const child = new Process({ target: add, args: [cond, total, n], context });
  child.start();
  await child.join();
  expect(child.exitCode, "the child running add did not end with exit code 0").toBe(0);
}

describe("1. Event: the data is ready", () => {
  it("readWhenReady, called here, reads the data only after the event is set", async () => {
    const ready = new Event();
    const data = new Value("i", 0);
    const out = new Queue<number>();
    const done = readWhenReady(ready, data, out);
    void done.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
    // The data is written after readWhenReady was called: reading it before the event is set gives 0.
    await data.set(7);
    await ready.set();
    await done;
    expect(await out.get()).toBe(7);
  });

  it("an event is a level, not a pulse: when it is already set, readWhenReady goes on at once", async () => {
    const ready = new Event();
    await ready.set();
    const out = new Queue<number>();
    await readWhenReady(ready, new Value("i", 5), out);
    expect(await out.get()).toBe(5);
  });

  it("handOver hands a value to a child, which reads it after the event", async () => {
    expect(await handOver(42, context)).toBe(42);
  });
});

describe("2. Semaphore: at most two at a time", () => {
  it("visit waits for a permit, and gives it back when it leaves", async () => {
    const slots = new Semaphore(1);
    const inside = new Value("i", 0);
    const most = new Value("i", 0);
    await slots.acquire(); // the only permit: visit must wait
    const done = visit(slots, inside, most);
    void done.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
    // Not a synchronisation: a correct visit cannot enter however long this is; a visit that
    // does not wait for a permit would be inside by then.
    await pause(50);
    expect(await inside.get(), "visit went in without a permit").toBe(0);
    await slots.release();
    await done;
    expect(await most.get()).toBe(1);
    expect(await inside.get()).toBe(0);
    expect(await slots.getValue(), "visit kept its permit").toBe(1);
  });

  it("crowd: with 2 permits, never more than 2 of 3 visitors are inside at once", async () => {
    const most = await crowd(3, 2, context);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe("3. Condition: wait until the total is reached", () => {
  it("add, called here, adds to the total", async () => {
    const cond = new Condition();
    const total = new Value("i", 3);
    await add(cond, total, 4);
    expect(await total.get()).toBe(7);
  });

  it("waitForTotal waits until the total reaches the target, woken by add in a child", async () => {
    const cond = new Condition();
    const total = new Value("i", 0);
    let returned = false;
    const waiting = waitForTotal(cond, total, 10, 30_000).finally(() => {
      returned = true;
    });
    void waiting.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
    await addInChild(cond, total, 5);
    expect(await total.get()).toBe(5);
    expect(returned, "waitForTotal returned before the total reached 10").toBe(false);
    await addInChild(cond, total, 5);
    expect(await waiting).toBe(10);
  });

  it("waitForTotal returns at once when the total is already reached", async () => {
    expect(await waitForTotal(new Condition(), new Value("i", 12), 10, 30_000)).toBe(12);
  });

  it("sumInChildren: three children add 10, 20 and 30; the parent sees 60", async () => {
    expect(await sumInChildren([10, 20, 30], context)).toBe(60);
  });
});

describe("4. Barrier: everyone finishes phase 1 first", () => {
  it("phases, called here, waits at the barrier for the other party", async () => {
    const barrier = new Barrier(2);
    const finished = new Value("i", 0);
    const out = new Queue<number>();
    // If phases fails before it reaches the barrier, the barrier is broken, so that this test does not wait for it.
    const done = phases(barrier, finished, out).catch(async (error: unknown) => {
      await barrier.abort();
      throw error;
    });
    // This test is the other party: its phase 1, then the barrier.
    await finished.update((n) => n + 1);
    await Promise.all([done, barrier.wait({ timeout: 10_000 })]);
    expect(await out.get()).toBe(2);
  });

  it("runPhases: every child sees that all 3 finished phase 1", async () => {
    expect(await runPhases(3, context)).toEqual([3, 3, 3]);
  });
});
