import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Barrier, BrokenBarrierError, Process, Semaphore, TaskError, type ContextName } from "../src/index.ts";
import {
  actionRuns,
  barrierParty,
  barrierSync,
  barrierWaitForever,
  barrierWaitOnce,
  countingAction,
  throwingAction,
  useActionCounter,
} from "./fixtures/primitive-tasks.ts";
import { readReport, tempDir } from "./helpers.ts";

const contexts: ContextName[] = ["process", "thread"];

/** Polls an async state that no event announces (how many wait at a barrier). */
async function until(condition: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

/** Checks that in every cycle the parties' indexes are 0..parties−1, each once. */
function expectDistinctIndexes(perParty: number[][], parties: number, cycles: number): void {
  for (let cycle = 0; cycle < cycles; cycle++) {
    const got = perParty.map((indexes) => indexes[cycle]).sort((a, b) => a! - b!);
    expect(got).toEqual(Array.from({ length: parties }, (_, i) => i));
  }
}

describe("Barrier in this process", () => {
  it("releases all parties together with distinct indexes, cycle after cycle", async () => {
    const barrier = new Barrier(3);
    expect(barrier.parties).toBe(3);
    const perParty = await Promise.all(
      [0, 1, 2].map(async () => {
        const indexes: number[] = [];
        for (let i = 0; i < 10; i++) indexes.push(await barrier.wait());
        return indexes;
      }),
    );
    expectDistinctIndexes(perParty, 3, 10);
    expect(await barrier.nWaiting()).toBe(0);
    expect(await barrier.broken()).toBe(false);
  });

  it("nWaiting counts the waiters; abort breaks them and later waiters until reset", async () => {
    const barrier = new Barrier(3);
    const a = barrier.wait().catch((e: unknown) => e);
    const b = barrier.wait().catch((e: unknown) => e);
    expect(await until(async () => (await barrier.nWaiting()) === 2, 10_000)).toBe(true);
    await barrier.abort();
    expect(await a).toBeInstanceOf(BrokenBarrierError);
    expect(await b).toBeInstanceOf(BrokenBarrierError);
    expect(await barrier.broken()).toBe(true);
    await expect(barrier.wait()).rejects.toThrow(BrokenBarrierError);
    await barrier.reset();
    expect(await barrier.broken()).toBe(false);
    const indexes = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
    expect(indexes.sort()).toEqual([0, 1, 2]);
  });

  it("reset breaks the current waiters and the barrier is usable again", async () => {
    const barrier = new Barrier(2);
    const a = barrier.wait().catch((e: unknown) => e);
    expect(await until(async () => (await barrier.nWaiting()) === 1, 10_000)).toBe(true);
    await barrier.reset();
    const err = await a;
    expect(err).toBeInstanceOf(BrokenBarrierError);
    expect((err as Error).message).toMatch(/reset/);
    expect(await barrier.broken()).toBe(false);
    expect((await Promise.all([barrier.wait(), barrier.wait()])).sort()).toEqual([0, 1]);
  });

  it("a waiter that times out breaks the barrier (the default timeout too); a negative timeout acts as 0", async () => {
    const barrier = new Barrier(3, { timeout: 200 });
    const other = barrier.wait({ timeout: 20_000 }).catch((e: unknown) => e);
    const t0 = performance.now();
    await expect(barrier.wait()).rejects.toThrow(/timed out after 200 ms/);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await other).toBeInstanceOf(BrokenBarrierError);
    expect(await barrier.broken()).toBe(true);
    await barrier.reset();
    await expect(barrier.wait({ timeout: -5 })).rejects.toThrow(BrokenBarrierError);
  });

  it("the action runs once per cycle, before any party is released", async () => {
    const counter = new Semaphore(0);
    useActionCounter(counter);
    const barrier = new Barrier(3, { action: countingAction });
    const seen = await Promise.all(
      [0, 1, 2].map(async () => {
        const counts: number[] = [];
        for (let i = 0; i < 10; i++) {
          await barrier.wait();
          counts.push(await counter.getValue());
        }
        return counts;
      }),
    );
    // After cycle i every party sees exactly i + 1 runs: not fewer (it ran before the release),
    // not more (the next cycle cannot finish without this party).
    for (const counts of seen) expect(counts).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it("an action that throws breaks the barrier; the party that ran it gets the error as the cause", async () => {
    const barrier = new Barrier(2, { action: throwingAction });
    const results = await Promise.all([barrier.wait().catch((e: unknown) => e), barrier.wait().catch((e: unknown) => e)]);
    for (const err of results) expect(err).toBeInstanceOf(BrokenBarrierError);
    const causes = results.map((e) => (e as Error).cause).filter((c) => c !== undefined);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toBeInstanceOf(RangeError);
    expect(await barrier.broken()).toBe(true);
  });

  it("checks its arguments: parties, action, timeout", () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(1.5)).toThrow(RangeError);
    expect(() => new Barrier(2, { action: (() => 1) as never })).toThrow(TaskError);
    expect(() => new Barrier(2, { timeout: Number.NaN })).toThrow(TypeError);
  });

  it("waitSync works where the memory is, and refuses a barrier with an action", () => {
    expect(new Barrier(1).waitSync()).toBe(0);
    expect(() => new Barrier(1, { action: countingAction }).waitSync()).toThrow(/use await barrier.wait\(\)/);
  });

  it("stress: 8 async parties pass 300 cycles with distinct indexes", async () => {
    const barrier = new Barrier(8);
    const perParty = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const indexes: number[] = [];
        for (let i = 0; i < 300; i++) indexes.push(await barrier.wait({ timeout: 20_000 }));
        return indexes;
      }),
    );
    expectDistinctIndexes(perParty, 8, 300);
  });
});

describe.each(contexts)("Barrier across the %s context", (context) => {
  it("children and this process pass 10 cycles with distinct indexes; the action runs once per cycle before the release", async () => {
    const dir = tempDir();
    const counter = new Semaphore(0);
    useActionCounter(counter);
    actionRuns.length = 0;
    const barrier = new Barrier(4, { action: countingAction });
    const files = [0, 1, 2].map((i) => join(dir, `${i}.json`));
    const children = files.map((file) => new Process({ target: barrierParty, args: [barrier, 10, file, counter], context }));
    children.forEach((p) => p.start());
    const mine = join(dir, "mine.json");
    await barrierParty(barrier, 10, mine, counter);
    for (const p of children) await p.join();
    expect(children.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    const reports = [...files, mine].map((f) => readReport<{ ok: boolean; got: { indexes: number[]; counts: number[] } }>(f));
    for (const r of reports) expect(r.ok).toBe(true);
    expectDistinctIndexes(
      reports.map((r) => r.got.indexes),
      4,
      10,
    );
    for (const r of reports) expect(r.got.counts).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    // In the process context every action ran here, in the barrier's owner; in the thread context,
    // in whichever thread arrived last.
    if (context === "process") expect(actionRuns).toEqual(Array.from({ length: 10 }, () => process.pid));
    else expect(actionRuns.length).toBeLessThanOrEqual(10);
  });

  it("abort() breaks children waiting at the barrier", async () => {
    const dir = tempDir();
    const barrier = new Barrier(3);
    const files = [0, 1].map((i) => join(dir, `${i}.json`));
    const children = files.map((file) => new Process({ target: barrierWaitOnce, args: [barrier, null, file], context }));
    children.forEach((p) => p.start());
    expect(await until(async () => (await barrier.nWaiting()) === 2, 20_000)).toBe(true);
    await barrier.abort();
    for (const p of children) await p.join();
    for (const file of files) expect(readReport(file)).toMatchObject({ ok: false, name: "BrokenBarrierError" });
  });

  it("reset() breaks children waiting at the barrier, which then works again", async () => {
    const dir = tempDir();
    const barrier = new Barrier(2);
    const a = new Process({ target: barrierWaitOnce, args: [barrier, null, join(dir, "a.json")], context });
    a.start();
    expect(await until(async () => (await barrier.nWaiting()) === 1, 20_000)).toBe(true);
    await barrier.reset();
    await a.join();
    expect(readReport(join(dir, "a.json"))).toMatchObject({ ok: false, name: "BrokenBarrierError", message: expect.stringMatching(/reset/) });
    const b = new Process({ target: barrierWaitOnce, args: [barrier, null, join(dir, "b.json")], context });
    b.start();
    const index = await barrier.wait({ timeout: 20_000 });
    await b.join();
    const theirs = readReport<{ ok: boolean; got: number }>(join(dir, "b.json"));
    expect(theirs.ok).toBe(true);
    expect([index, theirs.got].sort()).toEqual([0, 1]);
  });

  it("this process timing out breaks the barrier for a waiting child", async () => {
    const file = join(tempDir(), "child.json");
    const barrier = new Barrier(3);
    const waiting = new Semaphore(0);
    const p = new Process({ target: barrierWaitOnce, args: [barrier, waiting, file], context });
    p.start();
    expect(await waiting.acquire({ timeout: 20_000 })).toBe(true);
    const t0 = performance.now();
    await expect(barrier.wait({ timeout: 200 })).rejects.toThrow(BrokenBarrierError);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    await p.join();
    expect(readReport(file)).toMatchObject({ ok: false, name: "BrokenBarrierError" });
  });

  it("a child killed while waiting breaks the barrier for the others", async () => {
    const barrier = new Barrier(3);
    const waiting = new Semaphore(0);
    const p = new Process({ target: barrierWaitForever, args: [barrier, waiting], context });
    p.start();
    expect(await waiting.acquire({ timeout: 20_000 })).toBe(true);
    expect(await until(async () => (await barrier.nWaiting()) === 1, 20_000)).toBe(true);
    const mine = barrier.wait({ timeout: 20_000 }).catch((e: unknown) => e);
    p.kill();
    await p.join();
    expect(await mine).toBeInstanceOf(BrokenBarrierError);
    expect(await barrier.broken()).toBe(true);
    // Nobody is left inside: after a reset, a fresh cycle works.
    await barrier.reset();
    expect(await barrier.nWaiting()).toBe(0);
  });

  it("an action that throws in a cycle breaks it for every party", async () => {
    const file = join(tempDir(), "child.json");
    const barrier = new Barrier(2, { action: throwingAction });
    const p = new Process({ target: barrierWaitOnce, args: [barrier, null, file], context });
    p.start();
    const mine = await barrier.wait({ timeout: 20_000 }).catch((e: unknown) => e);
    await p.join();
    expect(mine).toBeInstanceOf(BrokenBarrierError);
    expect(readReport(file)).toMatchObject({ ok: false, name: "BrokenBarrierError" });
    const theirs = readReport<{ cause?: string }>(file);
    // One of the two ran the action and carries its error.
    expect([(mine as Error).cause, theirs.cause].filter((c) => c !== undefined)).toHaveLength(1);
  });

  it("stress: two children and this process pass 150 cycles with distinct indexes", async () => {
    const dir = tempDir();
    const barrier = new Barrier(3);
    const files = [0, 1].map((i) => join(dir, `${i}.json`));
    const children = files.map((file) => new Process({ target: barrierParty, args: [barrier, 150, file], context }));
    children.forEach((p) => p.start());
    const mine = join(dir, "mine.json");
    await barrierParty(barrier, 150, mine);
    for (const p of children) await p.join();
    const reports = [...files, mine].map((f) => readReport<{ ok: boolean; got: { indexes: number[] } }>(f));
    for (const r of reports) expect(r.ok).toBe(true);
    expectDistinctIndexes(
      reports.map((r) => r.got.indexes),
      3,
      150,
    );
  });

  it("waitSync works in worker threads and says why it cannot in other processes", async () => {
    const file = join(tempDir(), "sync.json");
    const barrier = new Barrier(2);
    const p = new Process({ target: barrierSync, args: [barrier, file], context });
    p.start();
    if (context === "thread") {
      const index = await barrier.wait({ timeout: 20_000 });
      await p.join();
      const r = readReport<{ ok: boolean; got: number }>(file);
      expect(r.ok).toBe(true);
      expect([index, r.got].sort()).toEqual([0, 1]);
    } else {
      await p.join();
      expect(readReport(file)).toMatchObject({ ok: false, name: "TypeError", message: expect.stringMatching(/use the async method/) });
    }
  });
});
