import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AbandonedLockError, Lock, LockTimeoutError, Process, RLock, SyncStateError, Value, type ContextName } from "../src/index.ts";
import { acquireAndExit, hammer, holdFor, holdForever, releaseIt, useSync, waitForLock } from "./fixtures/sync-tasks.ts";
import { readReport, tempDir, waitForFile } from "./helpers.ts";
import { localHolder } from "../src/sync/holder.ts";

const contexts: ContextName[] = ["process", "thread"];

describe("Lock and RLock in this process", () => {
  it("acquire, release; releasing an unlocked lock throws", async () => {
    const lock = new Lock();
    expect(await lock.acquire()).toBe(true);
    expect(await lock.acquire({ blocking: false })).toBe(false);
    await lock.release();
    await expect(lock.release()).rejects.toThrow(SyncStateError);
    await expect(lock.release()).rejects.toThrow(/release unlocked lock/);
  });

  it("a timed acquire of a held lock returns false after the timeout; a negative timeout acts as 0", async () => {
    const lock = new Lock();
    await lock.acquire();
    const t0 = performance.now();
    expect(await lock.acquire({ timeout: 200 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await lock.acquire({ timeout: -5 })).toBe(false);
    await expect(lock.acquire({ blocking: false, timeout: 1 })).rejects.toThrow(/non-blocking/);
  });

  it("releaseSync of a lock that is not held throws and leaves it usable; an RLock's count holds", () => {
    const lock = new Lock();
    expect(() => lock.releaseSync()).toThrow(/release unlocked lock/);
    expect(lock.acquireSync({ blocking: false })).toBe(true);
    expect(lock.acquireSync({ blocking: false })).toBe(false);
    lock.releaseSync();
    expect(() => lock.releaseSync()).toThrow(SyncStateError);
    expect(lock.acquireSync({ blocking: false })).toBe(true);
    lock.releaseSync();
    const rlock = new RLock();
    expect(() => rlock.releaseSync()).toThrow(/cannot release un-acquired lock/);
    for (let i = 0; i < 3; i++) expect(rlock.acquireSync()).toBe(true);
    rlock.releaseSync();
    rlock.releaseSync();
    rlock.releaseSync();
    expect(() => rlock.releaseSync()).toThrow(/cannot release un-acquired lock/);
    expect(rlock.acquireSync({ blocking: false })).toBe(true);
    rlock.releaseSync();
  });

  it.each(["Lock", "RLock"])("%s: acquireSync() and releaseSync() on their quickest paths keep every rule", (kind) => {
    // acquireSync() with no options takes a free lock, and releaseSync() releases a lock held
    // once, with steps written out in them (lock.ts): the same rules as the general paths.
    const lock = kind === "Lock" ? new Lock() : new RLock();
    expect(lock.acquireSync()).toBe(true);
    if (kind === "RLock") {
      expect(lock.acquireSync()).toBe(true); // re-entered: held twice
      lock.releaseSync(); // held once again
    } else {
      expect(lock.acquireSync({ blocking: false })).toBe(false);
    }
    lock.releaseSync();
    expect(() => lock.releaseSync()).toThrow(SyncStateError);
    expect(lock.acquireSync({ blocking: false })).toBe(true);
    lock.releaseSync();
    // A holder that died holding it: the next acquireSync() frees it, says so once, and the
    // lock is then free (this thread stands in for the holder that died).
    expect(lock.acquireSync()).toBe(true);
    lock.holderDied(localHolder(), 4242, true);
    const err = (() => {
      try {
        return lock.acquireSync();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AbandonedLockError);
    expect((err as AbandonedLockError).holderPid).toBe(4242);
    expect(lock.acquireSync()).toBe(true);
    lock.releaseSync();
    expect(lock.acquireSync({ blocking: false })).toBe(true);
    lock.releaseSync();
  });

  it("RLock: re-entrant for its holder, released as often as acquired", async () => {
    const lock = new RLock();
    expect(await lock.acquire()).toBe(true);
    expect(await lock.acquire()).toBe(true);
    await lock.release();
    await lock.release();
    await expect(lock.release()).rejects.toThrow(/cannot release un-acquired lock/);
  });

  it("withLock and hold release the lock even when the body throws", async () => {
    const lock = new Lock();
    await expect(lock.withLock(() => Promise.reject(new Error("inside")))).rejects.toThrow("inside");
    expect(await lock.acquire({ blocking: false })).toBe(true);
    await lock.release();
    {
      await using _held = await lock.hold();
      expect(await lock.acquire({ blocking: false })).toBe(false);
    }
    expect(await lock.acquire({ blocking: false })).toBe(true);
    await expect(lock.hold({ timeout: 20 })).rejects.toThrow(LockTimeoutError);
    await lock.release();
  });

  it("many concurrent async acquirers never overlap", async () => {
    const lock = new Lock();
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 200 }, () =>
        lock.withLock(async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await Promise.resolve();
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });
});

describe.each(contexts)("Lock across the %s context", (context) => {
  it("a lock released by a child wakes the parent waiting for it", async () => {
    const lock = new Lock();
    const held = join(tempDir(), "held.json");
    const p = new Process({ target: holdFor, args: [lock, held, 300], context });
    p.start();
    expect(await waitForFile(held, 10_000)).toBe(true);
    expect(await lock.acquire({ blocking: false })).toBe(false);
    expect(await lock.acquire({ timeout: 10_000 })).toBe(true);
    await lock.release();
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it("acquire({ timeout: 200 }) on a lock a child holds returns false after at least 150 ms", async () => {
    const lock = new Lock();
    const held = join(tempDir(), "held.json");
    const p = new Process({ target: holdFor, args: [lock, held, 1_500], context });
    p.start();
    expect(await waitForFile(held, 10_000)).toBe(true);
    const t0 = performance.now();
    expect(await lock.acquire({ timeout: 200 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    await p.join();
  });

  it("any process may release a Lock; only the holder may release an RLock", async () => {
    const dir = tempDir();
    const lock = new Lock();
    await lock.acquire();
    const a = new Process({ target: releaseIt, args: [lock, join(dir, "a.json")], context });
    a.start();
    await a.join();
    expect(readReport(join(dir, "a.json"))).toEqual({ ok: true });
    expect(await lock.acquire({ blocking: false })).toBe(true);

    const rlock = new RLock();
    await rlock.acquire();
    const b = new Process({ target: releaseIt, args: [rlock, join(dir, "b.json")], context });
    b.start();
    await b.join();
    expect(readReport(join(dir, "b.json"))).toMatchObject({ ok: false, name: "SyncStateError" });
    await rlock.release();
  });

  it("a lock held by a child that is killed is released, and the next acquirer is told once", async () => {
    const lock = new Lock();
    const held = join(tempDir(), "held.json");
    const p = new Process({ target: holdForever, args: [lock, held], context });
    p.start();
    expect(await waitForFile(held, 10_000)).toBe(true);
    p.kill();
    await p.join();
    const err = await lock.acquire({ timeout: 10_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbandonedLockError);
    expect((err as AbandonedLockError).holderPid).toBe(p.pid);
    expect(await lock.acquire({ blocking: false })).toBe(true);
    await lock.release();
  });

  it("a child killed while it waits for the lock does not take it later", async () => {
    const lock = new Lock();
    await lock.acquire();
    const waiting = join(tempDir(), "waiting.json");
    const p = new Process({ target: waitForLock, args: [lock, waiting], context });
    p.start();
    expect(await waitForFile(waiting, 10_000)).toBe(true);
    p.kill();
    await p.join();
    await lock.release();
    expect(await lock.acquire({ timeout: 5_000 })).toBe(true);
    await lock.release();
  });

  it("a child that exits holding a lock abandons it too", async () => {
    const lock = new Lock();
    const p = new Process({ target: acquireAndExit, args: [lock], context });
    p.start();
    await p.join();
    expect(p.exitCode).toBe(0);
    await expect(lock.acquire({ timeout: 10_000 })).rejects.toThrow(AbandonedLockError);
    expect(await lock.acquire({ blocking: false })).toBe(true);
  });

  it.each(["Lock", "RLock"])("stress: 3 children and this process increment under one %s; no update is lost, no wake-up either", async (kind) => {
    // The thread context mixes acquireSync and acquire (every sleeper must be woken by a release
    // that saw it); the process context goes through this process for every call, so it does fewer.
    const n = context === "thread" ? 20_000 : 400;
    const lock = kind === "Lock" ? new Lock() : new RLock();
    const counter = new Value("i", 0, { lock: false });
    const children = Array.from({ length: 3 }, () => new Process({ target: hammer, args: [lock, counter, n, context === "thread"], context }));
    for (const child of children) child.start();
    await hammer(lock, counter, n / 10, false);
    for (const child of children) await child.join();
    expect(children.map((c) => c.exitCode)).toEqual([0, 0, 0]);
    expect(await counter.get()).toBe(3 * n + n / 10);
    expect(await lock.acquire({ blocking: false })).toBe(true);
  });

  it("the synchronous methods work in worker threads and say why they cannot in other processes", async () => {
    const file = join(tempDir(), "sync.json");
    const p = new Process({ target: useSync, args: [new Lock(), file], context });
    p.start();
    await p.join();
    if (context === "thread") expect(readReport(file)).toEqual({ ok: true, got: true });
    else expect(readReport(file)).toMatchObject({ ok: false, name: "TypeError", message: expect.stringMatching(/use the async method/) });
  });
});
