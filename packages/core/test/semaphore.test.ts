import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AbandonedLockError, BoundedSemaphore, Event, Lock, LockTimeoutError, Process, Semaphore, SyncStateError, type ContextName } from "../src/index.ts";
import { semChurn, semHoldUntil, semRelease, semSync, semTryAcquire, semWaitForever } from "./fixtures/primitive-tasks.ts";
import { readReport, tempDir } from "./helpers.ts";

const contexts: ContextName[] = ["process", "thread"];

describe("Semaphore and BoundedSemaphore in this process", () => {
  it("acquire takes permits until none are left; release gives them back; getValue counts them", async () => {
    const sem = new Semaphore(2);
    expect(await sem.getValue()).toBe(2);
    expect(await sem.acquire()).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(true);
    expect(await sem.acquire({ blocking: false })).toBe(false);
    expect(await sem.getValue()).toBe(0);
    await sem.release(2);
    expect(await sem.getValue()).toBe(2);
    expect(await new Semaphore().getValue()).toBe(1);
  });

  it("a timed acquire returns false after the timeout; a negative timeout acts as 0; options are checked", async () => {
    const sem = new Semaphore(0);
    const t0 = performance.now();
    expect(await sem.acquire({ timeout: 200 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await sem.acquire({ timeout: -5 })).toBe(false);
    await expect(sem.acquire({ blocking: false, timeout: 1 })).rejects.toThrow(/non-blocking/);
    await expect(sem.release(0)).rejects.toThrow(RangeError);
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(RangeError);
  });

  it("a release wakes a waiting acquire", async () => {
    const sem = new Semaphore(0);
    const waiting = sem.acquire({ timeout: 10_000 });
    await sem.release();
    expect(await waiting).toBe(true);
    expect(await sem.getValue()).toBe(0);
  });

  it("BoundedSemaphore: releasing above the initial value throws; a plain Semaphore may grow", async () => {
    const bounded = new BoundedSemaphore(2);
    expect(bounded).toBeInstanceOf(Semaphore);
    await expect(bounded.release()).rejects.toThrow(SyncStateError);
    await expect(bounded.release()).rejects.toThrow(/released too many times/);
    await bounded.acquire();
    await bounded.acquire();
    await expect(bounded.release(3)).rejects.toThrow(SyncStateError);
    await bounded.release(2);
    expect(await bounded.getValue()).toBe(2);
    const plain = new Semaphore(1);
    await plain.release();
    expect(await plain.getValue()).toBe(2);
  });

  it("hold and withLock give the permit back even when the body throws", async () => {
    const sem = new Semaphore(1);
    await expect(sem.withLock(() => Promise.reject(new Error("inside")))).rejects.toThrow("inside");
    expect(await sem.getValue()).toBe(1);
    {
      await using _permit = await sem.hold();
      expect(await sem.getValue()).toBe(0);
    }
    expect(await sem.getValue()).toBe(1);
    await sem.acquire();
    await expect(sem.hold({ timeout: 20 })).rejects.toThrow(LockTimeoutError);
    await sem.release();
    expect(await sem.withLock(() => 42)).toBe(42);
  });

  it("the synchronous methods work where the memory is", () => {
    const sem = new BoundedSemaphore(1);
    expect(sem.acquireSync()).toBe(true);
    expect(sem.acquireSync({ blocking: false })).toBe(false);
    sem.releaseSync();
    expect(() => sem.releaseSync()).toThrow(SyncStateError);
  });

  it("stress: 300 concurrent async acquirers never exceed 3 at once, and every permit comes back", async () => {
    const sem = new Semaphore(3);
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        sem.withLock(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          for (let k = 0; k < i % 3; k++) await Promise.resolve();
          inside--;
        }),
      ),
    );
    expect(maxInside).toBeLessThanOrEqual(3);
    expect(maxInside).toBeGreaterThanOrEqual(2);
    expect(await sem.getValue()).toBe(3);
  });
});

describe.each(contexts)("Semaphore across the %s context", (context) => {
  it("children never hold more permits than the value; a release lets the next one in", async () => {
    const sem = new Semaphore(2);
    const entered = new Semaphore(0);
    const go = new Event();
    const children = [1, 2, 3].map(() => new Process({ target: semHoldUntil, args: [sem, entered, go], context }));
    children.forEach((p) => p.start());
    expect(await entered.acquire({ timeout: 10_000 })).toBe(true);
    expect(await entered.acquire({ timeout: 10_000 })).toBe(true);
    // Two children hold the two permits; the third waits.
    expect(await sem.getValue()).toBe(0);
    expect(await entered.acquire({ timeout: 300 })).toBe(false);
    await go.set();
    expect(await entered.acquire({ timeout: 10_000 })).toBe(true);
    for (const p of children) await p.join();
    expect(children.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    expect(await sem.getValue()).toBe(2);
  });

  it("a child's over-release of a BoundedSemaphore throws SyncStateError there; its release of a plain one works", async () => {
    const dir = tempDir();
    const bounded = new BoundedSemaphore(1);
    const a = new Process({ target: semRelease, args: [bounded, join(dir, "a.json")], context });
    a.start();
    await a.join();
    expect(readReport(join(dir, "a.json"))).toMatchObject({ ok: false, name: "SyncStateError", message: "Semaphore released too many times" });
    expect(await bounded.getValue()).toBe(1);

    const plain = new Semaphore(0);
    const b = new Process({ target: semRelease, args: [plain, join(dir, "b.json")], context });
    b.start();
    await b.join();
    expect(readReport(join(dir, "b.json"))).toMatchObject({ ok: true });
    expect(await plain.getValue()).toBe(1);
  });

  // Deno: a worker thread that was terminated while it waited in Atomics.waitAsync can still take
  // the permit afterwards (its wait is not cancelled by terminate()); seen in every run here, on Deno
  // 2.9.6 only. OS processes are not affected. Skipped there until the runtime cancels such waits.
  it.skipIf(context === "thread" && "Deno" in globalThis)("a child killed while waiting for a permit does not take one later", async () => {
    const sem = new Semaphore(0);
    const waiting = new Semaphore(0);
    const marker = new Lock();
    const dead = new Process({ target: semWaitForever, args: [sem, waiting, marker], context });
    dead.start();
    expect(await waiting.acquire({ timeout: 20_000 })).toBe(true);
    dead.kill();
    await dead.join();
    // The marker is abandoned when this process learns of the death, as the semaphore does.
    await expect(marker.acquire({ timeout: 20_000 })).rejects.toThrow(AbandonedLockError);
    await sem.release();
    const file = join(tempDir(), "live.json");
    const live = new Process({ target: semTryAcquire, args: [sem, 10_000, file], context });
    live.start();
    await live.join();
    expect(readReport(file)).toEqual({ ok: true, got: true });
  });

  it("stress: three children and this process take and give back permits 150 times each; none is lost", async () => {
    const sem = new Semaphore(2);
    const children = [1, 2, 3].map(() => new Process({ target: semChurn, args: [sem, 150], context }));
    children.forEach((p) => p.start());
    await semChurn(sem, 150);
    for (const p of children) await p.join();
    expect(children.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    expect(await sem.getValue()).toBe(2);
  });

  it("the synchronous methods work in worker threads and say why they cannot in other processes", async () => {
    const file = join(tempDir(), "sync.json");
    const p = new Process({ target: semSync, args: [new Semaphore(1), file], context });
    p.start();
    await p.join();
    if (context === "thread") expect(readReport(file)).toEqual({ ok: true, got: { got: true, value: 0 } });
    else expect(readReport(file)).toMatchObject({ ok: false, name: "TypeError", message: expect.stringMatching(/use the async method/) });
  });
});
