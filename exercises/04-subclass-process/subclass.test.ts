import { type ContextName, Process } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { Countdown, countdownInChild, doubleInChild, Doubler, Stamp, stampInChild, stampsMade } from "./subclass.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/**
 * Waits for `promise`, but at most `ms` milliseconds: a child that fails before it puts its
 * item must fail the test with a clear message, not hang the whole run.
 */
async function within<T>(what: string, promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms / 1000} s: did run() throw? (see its error above)`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls `make` the first time it is called, and returns that same promise every time. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= make());
}

describe("1. A class of your own", () => {
  it("a Countdown is a Process named countdown-<from>, in the context it is given", () => {
    const countdown = new Countdown(3, new Queue<string>(), context);
    expect(countdown).toBeInstanceOf(Process);
    expect(countdown.name).toBe("countdown-3");
    expect(countdown.context).toBe(context);
    expect(countdown.from).toBe(3);
  });

  it("a started Countdown runs run() in the child and ends with exit code 0", async () => {
    const out = new Queue<string>();
    const countdown = new Countdown(2, out, context);
    countdown.start(); // throws a TaskError if the class is not registered
    expect(await within("the first line", out.get())).toBe("countdown-2: 2");
    expect(await within("the second line", out.get())).toBe("countdown-2: 1");
    await countdown.join();
    expect(countdown.exitCode).toBe(0);
  });

  it("countdownInChild returns the child's lines, in order", async () => {
    expect(await countdownInChild(3, context)).toEqual(["countdown-3: 3", "countdown-3: 2", "countdown-3: 1"]);
  });
});

describe("2. Fields travel like arguments", () => {
  // One child for the first two tests (children are slow to start): started by the first test that needs it.
  const numbers = [1, 2, 3];
  const doubled = once(() => doubleInChild(numbers, context));

  it("the child doubles its copy of the numbers and puts it on the queue", async () => {
    const { fromChild } = await doubled();
    expect(fromChild).toEqual([2, 4, 6]);
  });

  it("the child's change does not reach the parent's object", async () => {
    const { parentsField } = await doubled();
    expect(parentsField).toBe(numbers); // the parent's field is still the array it was given…
    expect(numbers).toEqual([1, 2, 3]); // …and that array was never doubled
  });

  it("a field changed after start() does not reach the child: the copy was made at start()", async () => {
    const out = new Queue<number[]>();
    const doubler = new Doubler([5, 6], out, context);
    doubler.start();
    doubler.numbers = [100];
    expect(await within("the doubled numbers", out.get())).toEqual([10, 12]);
    await doubler.join();
  });
});

describe("3. The constructor runs only in the parent", () => {
  it("the constructor runs in the process that says `new Stamp`: here", () => {
    const before = stampsMade;
    const stamp = new Stamp(new Queue(), context);
    expect(stampsMade).toBe(before + 1);
    expect(stamp.createdIn).toBe("MainProcess");
  });

  // One child for the last two tests, started by the first test that needs it.
  const stamped = once(() => stampInChild(context));

  it("run() runs in the child", async () => {
    const { report, childName } = await stamped();
    expect(childName).not.toBe("MainProcess");
    expect(report.runIn).toBe(childName);
  });

  it("the child never runs the constructor: it got createdIn as a copied field, and made no stamp", async () => {
    const { report } = await stamped();
    expect(report.createdIn).toBe("MainProcess");
    expect(report.stampsMadeThere).toBe(0);
  });
});
