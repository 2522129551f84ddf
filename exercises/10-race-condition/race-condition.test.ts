import { Barrier, type ContextName, Lock, Process, Value } from "@multiproc/core";
import { describe, expect, it } from "vitest";
import { deposit, depositAfterBoth, depositLocked, depositWithUpdate, lockedDeposits, raceTwoDeposits } from "./race-condition.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

describe("1. Read, then write", () => {
  it("deposit adds the amount to the balance when called here", async () => {
    const balance = new Value("i", 100);
    await deposit(balance, 50);
    expect(await balance.get()).toBe(150);
  });

  it("deposit in a child changes the balance the parent sees", async () => {
    const balance = new Value("i", 100);
    const child = new Process({ target: deposit, args: [balance, 50], context });
    child.start();
    await child.join();
    expect(child.exitCode, "the child's exit code (1: deposit threw an error)").toBe(0);
    expect(await balance.get()).toBe(150);
  });
});

describe("2. Lose an update, every time", () => {
  it("with a barrier for one, depositAfterBoth is an ordinary deposit", async () => {
    const balance = new Value("i", 100);
    await depositAfterBoth(balance, 50, new Barrier(1));
    expect(await balance.get()).toBe(150);
  });

  it("two depositAfterBoth calls here, at the same time, lose one deposit", async () => {
    const balance = new Value("i", 100);
    const bothRead = new Barrier(2);
    await Promise.all([depositAfterBoth(balance, 50, bothRead), depositAfterBoth(balance, 30, bothRead)]);
    // Both read 100; the last one to write wins.
    expect([130, 150]).toContain(await balance.get());
  });

  it("raceTwoDeposits: two children, one deposit lost (150 or 130, never 180)", async () => {
    const final = await raceTwoDeposits(100, 50, 30, context);
    expect(final).not.toBe(180);
    expect([130, 150]).toContain(final);
  });
});

describe("3. Lock the read and the write together", () => {
  it("depositLocked deposits amount × times when called here", async () => {
    const balance = new Value("i", 0);
    await depositLocked(balance, new Lock(), 5, 3);
    expect(await balance.get()).toBe(15);
  });

  it("depositLocked waits for the lock before it reads", async () => {
    const balance = new Value("i", 0);
    const lock = new Lock();
    await lock.acquire();
    const depositing = depositLocked(balance, lock, 5, 1); // it must wait: we hold the lock
    await balance.set(1000); //                                while we hold it, we change the balance
    await lock.release();
    await depositing;
    // A deposit that read before taking the lock would have read 0 and written 5.
    expect(await balance.get()).toBe(1005);
  });

  it("lockedDeposits: two children, 40 deposits each, not one lost", async () => {
    expect(await lockedDeposits(2, 40, context)).toBe(80);
  });
});

describe("4. The built-in way: update()", () => {
  it("depositWithUpdate deposits amount × times when called here", async () => {
    const balance = new Value("i", 0);
    await depositWithUpdate(balance, 5, 3);
    expect(await balance.get()).toBe(15);
  });

  it("depositWithUpdate holds the value's lock for its read and its write", async () => {
    const lock = new Lock();
    const balance = new Value("i", 0, { lock }); // the value's own lock is `lock`
    await lock.acquire();
    const depositing = depositWithUpdate(balance, 5, 1);
    await balance.set(1000);
    await lock.release();
    await depositing;
    expect(await balance.get()).toBe(1005);
  });

  it("two children using depositWithUpdate, 40 deposits each: not one lost", async () => {
    const balance = new Value("i", 0);
    const children = [1, 2].map(() => new Process({ target: depositWithUpdate, args: [balance, 1, 40], context }));
    for (const child of children) child.start();
    for (const child of children) await child.join();
    expect(children.map((child) => child.exitCode), "the children's exit codes (1: depositWithUpdate threw an error)").toEqual([0, 0]);
    expect(await balance.get()).toBe(80);
  });
});
