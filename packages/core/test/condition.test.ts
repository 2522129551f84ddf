import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AbandonedLockError, Condition, Lock, Process, RLock, Semaphore, SyncStateError, type ContextName } from "../src/index.ts";
import { condNotifier, condSync, condTurns, condUnheld, condWaiter } from "./fixtures/primitive-tasks.ts";
import { readReport, tempDir } from "./helpers.ts";

const contexts: ContextName[] = ["process", "thread"];

describe("Condition in this process", () => {
  it("waiting or notifying without holding the lock throws SyncStateError", async () => {
    const cond = new Condition();
    await expect(cond.wait({ timeout: 10 })).rejects.toThrow(SyncStateError);
    await expect(cond.wait()).rejects.toThrow(/cannot wait on un-acquired lock/);
    await expect(cond.notify()).rejects.toThrow(/cannot notify on un-acquired lock/);
    await expect(cond.notifyAll()).rejects.toThrow(SyncStateError);
    expect(() => cond.notifySync()).toThrow(SyncStateError);
  });

  it("wait({ timeout }) returns false after the timeout with the lock held again, an RLock at its old depth", async () => {
    const lock = new RLock();
    const cond = new Condition(lock);
    await cond.acquire();
    await cond.acquire();
    const t0 = performance.now();
    expect(await cond.wait({ timeout: 200 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await cond.wait({ timeout: -5 })).toBe(false);
    // Held twice still: two releases, and the third one fails.
    await cond.release();
    await cond.release();
    await expect(cond.release()).rejects.toThrow(SyncStateError);
  });

  it("notify wakes exactly n waiters, notifyAll the rest; a Lock works as well as the default RLock", async () => {
    const cond = new Condition(new Lock());
    const arrived = new Semaphore(0);
    const woke = new Semaphore(0);
    const waiters = Array.from({ length: 10 }, () =>
      cond.withLock(async () => {
        await arrived.release();
        const notified = await cond.wait({ timeout: 20_000 });
        await woke.release();
        return notified;
      }),
    );
    // A waiter holds the lock from its `arrived` release until it waits: once this holds it, all ten wait.
    for (let i = 0; i < 10; i++) expect(await arrived.acquire({ timeout: 20_000 })).toBe(true);
    await cond.withLock(() => cond.notify(0));
    await cond.withLock(() => cond.notify(3));
    for (let i = 0; i < 3; i++) expect(await woke.acquire({ timeout: 20_000 })).toBe(true);
    expect(await woke.acquire({ timeout: 200 })).toBe(false);
    await cond.withLock(() => cond.notifyAll());
    expect(await Promise.all(waiters)).toEqual(Array.from({ length: 10 }, () => true));
    expect(await woke.getValue()).toBe(7);
  });

  it("a notify goes to a waiter that was waiting, never to one that starts waiting after it", async () => {
    const cond = new Condition(new Lock());
    const arrived = new Semaphore(0);
    const first = cond.withLock(async () => {
      await arrived.release();
      return cond.wait({ timeout: 20_000 });
    });
    await arrived.acquire();
    const late = await cond.withLock(async () => {
      await cond.notify();
      // This process now waits too, after the notify: the notify is not for it.
      return cond.wait({ timeout: 200 });
    });
    expect(late).toBe(false);
    expect(await first).toBe(true);
  });

  it("waitFor returns the predicate's value: at once if true, after notifies, or falsy on timeout", async () => {
    // A Lock, not the default RLock: two async flows of one thread would both "hold" an RLock.
    const cond = new Condition(new Lock());
    let ready = false;
    await cond.acquire();
    expect(await cond.waitFor(() => "yes")).toBe("yes");
    const t0 = performance.now();
    expect(await cond.waitFor(() => ready, { timeout: 150 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    await cond.release();
    const waiting = cond.withLock(() => cond.waitFor(async () => ready, { timeout: 20_000 }));
    await cond.withLock(() => cond.notify()); // a notify while the predicate is still false
    await cond.withLock(async () => {
      ready = true;
      await cond.notify();
    });
    expect(await waiting).toBe(true);
  });

  it("hold, and the synchronous methods where the memory is (on this thread they block it while they wait)", async () => {
    const cond = new Condition(new Lock());
    {
      await using _held = await cond.hold();
      expect(await cond.acquire({ blocking: false })).toBe(false);
      await cond.notify();
    }
    expect(cond.acquireSync()).toBe(true);
    cond.notifySync(2);
    cond.notifyAllSync();
    const t0 = performance.now();
    expect(cond.waitSync({ timeout: 30 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20);
    expect(cond.acquireSync({ blocking: false })).toBe(false); // held again after the wait
    cond.releaseSync();
    expect(() => cond.waitSync()).toThrow(SyncStateError);
  });

  it("a Condition cannot use a lock from another OS process, nor something that is not a lock", () => {
    expect(() => new Condition({} as Lock)).toThrow(TypeError);
  });

  it("stress: 200 async waiters, woken 7 at a time, are each woken exactly once", async () => {
    const cond = new Condition(new Lock());
    const total = 200;
    const arrived = new Semaphore(0);
    const woke = new Semaphore(0);
    const waiters = Array.from({ length: total }, () =>
      cond.withLock(async () => {
        await arrived.release();
        const notified = await cond.wait({ timeout: 30_000 });
        await woke.release();
        return notified;
      }),
    );
    for (let i = 0; i < total; i++) await arrived.acquire();
    let rounds = 0;
    for (let left = total; left > 0; left -= 7) {
      await cond.withLock(() => cond.notify(7));
      rounds++;
      for (let i = 0; i < Math.min(7, left); i++) expect(await woke.acquire({ timeout: 20_000 })).toBe(true);
      expect(await woke.getValue()).toBe(0);
    }
    expect(rounds).toBe(Math.ceil(total / 7));
    expect((await Promise.all(waiters)).every(Boolean)).toBe(true);
    expect(await woke.getValue()).toBe(0);
  });
});

describe.each(contexts)("Condition across the %s context", (context) => {
  it("notify(2) with six waiting children wakes exactly two; notifyAll wakes the other four", async () => {
    const dir = tempDir();
    const cond = new Condition();
    const arrived = new Semaphore(0);
    const woke = new Semaphore(0);
    const files = Array.from({ length: 6 }, (_, i) => join(dir, `${i}.json`));
    const children = files.map((file) => new Process({ target: condWaiter, args: [cond, arrived, woke, file], context }));
    children.forEach((p) => p.start());
    for (let i = 0; i < 6; i++) expect(await arrived.acquire({ timeout: 20_000 })).toBe(true);
    // Each child holds the lock from its `arrived` release until it waits: holding it now means all six wait.
    await cond.withLock(() => cond.notify(2));
    expect(await woke.acquire({ timeout: 20_000 })).toBe(true);
    expect(await woke.acquire({ timeout: 20_000 })).toBe(true);
    expect(await woke.acquire({ timeout: 500 })).toBe(false);
    await cond.withLock(() => cond.notifyAll());
    for (let i = 0; i < 4; i++) expect(await woke.acquire({ timeout: 20_000 })).toBe(true);
    for (const p of children) await p.join();
    expect(children.map((p) => p.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    for (const file of files) expect(readReport(file)).toEqual({ notified: true });
  });

  it("wait() releases the lock fully (an RLock held twice) so that a child can take it and notify", async () => {
    const cond = new Condition();
    await cond.acquire();
    await cond.acquire();
    const p = new Process({ target: condNotifier, args: [cond], context });
    p.start();
    expect(await cond.wait({ timeout: 20_000 })).toBe(true);
    await cond.release();
    await cond.release();
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it("a child that waits or notifies without holding the lock gets SyncStateError", async () => {
    const file = join(tempDir(), "unheld.json");
    const cond = new Condition();
    await cond.acquire(); // held by this process, not by the child
    const p = new Process({ target: condUnheld, args: [cond, file], context });
    p.start();
    await p.join();
    await cond.release();
    const r = readReport<{ wait: { name: string; message: string }; notify: { name: string; message: string } }>(file);
    expect(r.wait).toMatchObject({ name: "SyncStateError", message: "cannot wait on un-acquired lock" });
    expect(r.notify).toMatchObject({ name: "SyncStateError", message: "cannot notify on un-acquired lock" });
  });

  it("a waiting child that is killed stops being a waiter: notify() wakes the next one", async () => {
    const dir = tempDir();
    const cond = new Condition();
    const arrived = new Semaphore(0);
    const woke = new Semaphore(0);
    const marker = new Lock();
    const first = new Process({ target: condWaiter, args: [cond, arrived, woke, join(dir, "first.json"), marker], context });
    first.start();
    expect(await arrived.acquire({ timeout: 20_000 })).toBe(true);
    const second = new Process({ target: condWaiter, args: [cond, arrived, woke, join(dir, "second.json")], context });
    second.start();
    expect(await arrived.acquire({ timeout: 20_000 })).toBe(true);
    await cond.withLock(() => undefined); // both wait now
    first.kill();
    await first.join();
    // The marker is abandoned when this process learns of the death, as the condition does.
    await expect(marker.acquire({ timeout: 20_000 })).rejects.toThrow(AbandonedLockError);
    await cond.withLock(() => cond.notify());
    expect(await woke.acquire({ timeout: 20_000 })).toBe(true);
    await second.join();
    expect(second.exitCode).toBe(0);
    expect(readReport(join(dir, "second.json"))).toEqual({ notified: true });
    // The lock is free, and not abandoned: the dead child did not hold it.
    expect(await cond.acquire({ blocking: false })).toBe(true);
    await cond.release();
  });

  it("stress: 100 rounds of turn-taking with a child lose no wake-up", async () => {
    const cond = new Condition();
    const turn = new Semaphore(0);
    const p = new Process({ target: condTurns, args: [cond, turn, 1, 100], context });
    p.start();
    await condTurns(cond, turn, 0, 100);
    await p.join();
    expect(p.exitCode).toBe(0);
    expect(await turn.getValue()).toBe(0);
  });

  it("waitSync works in worker threads and says why it cannot in other processes", async () => {
    const file = join(tempDir(), "sync.json");
    const cond = new Condition();
    const arrived = new Semaphore(0);
    const p = new Process({ target: condSync, args: [cond, arrived, file], context });
    p.start();
    if (context === "thread") {
      expect(await arrived.acquire({ timeout: 20_000 })).toBe(true);
      await cond.withLock(() => cond.notify());
      await p.join();
      expect(readReport(file)).toEqual({ ok: true, got: true });
    } else {
      await p.join();
      expect(readReport(file)).toMatchObject({ ok: false, name: "TypeError", message: expect.stringMatching(/use the async method/) });
    }
  });
});
