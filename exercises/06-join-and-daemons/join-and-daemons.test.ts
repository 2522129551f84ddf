import { type ContextName, Process } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { finishedWithin, type HelperReport, nap, startAndLeave, stopAfter, withHelper } from "./join-and-daemons.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";


/** Starts a child that naps for `ms` milliseconds. */
function napper(ms: number): Process<[number]> {
  const child = new Process({ target: nap, args: [ms], context });
  child.start();
  return child;
}

/** Kills a child the test started, if it still runs, and waits for it: no child outlives its test. */
async function cleanUp(child: Process<[number]>): Promise<void> {
  child.kill();
  await child.join();
}

/**
 * Waits for `child` to end. One that is still running after `ms` milliseconds (far longer than a
 * correct solution needs) is killed, and the test fails with `why`: a clear message instead of
 * a run that hangs.
 */
async function ended<A extends unknown[]>(child: Process<A>, why: string, ms = 20_000): Promise<void> {
  await child.join(ms);
  if (child.isAlive()) {
    child.kill();
    await child.join();
    throw new Error(why);
  }
}

/**
 * The first item on `out`, put there by `child`. If the child ends with an error first, the test
 * fails at once; if nothing comes within `ms` milliseconds, it fails with a clear message.
 */
async function itemFrom<T, A extends unknown[]>(out: Queue<T>, child: Process<A>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = child.sentinel.then((code) => {
    if (code !== 0) throw new Error(`${child.name} ended with exit code ${code} before it put ${what} (see its error above)`);
    return new Promise<never>(() => {}); // ended normally: what it put is on its way
  });
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([out.get(), failed, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls `make` the first time it is called, and returns that same promise every time. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= make());
}

describe("1. Join with a timeout", () => {
  it("finishedWithin gives up after ms milliseconds while the child runs on", async () => {
    const child = napper(10_000);
    try {
      const started = performance.now();
      expect(await finishedWithin(child, 100)).toBe(false);
      // 5 ms of slack: timers may fire a little early on some runtimes.
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
      // finishedWithin only waited: the child is still running.
      expect(child.isAlive()).toBe(true);
      expect(child.exitCode).toBeNull();
    } finally {
      await cleanUp(child);
    }
  });

  it("finishedWithin tells when the child has ended in time", async () => {
    const child = napper(10);
    try {
      expect(await finishedWithin(child, 30_000)).toBe(true);
      expect(child.exitCode).toBe(0);
    } finally {
      await cleanUp(child);
    }
  });
});

describe("2. Stop a child", () => {
  it("stopAfter waits ms milliseconds, then terminates a child that still runs: exit code -15", async () => {
    const child = napper(10_000);
    try {
      const started = performance.now();
      expect(await stopAfter(child, 100, "terminate")).toBe(-15);
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
      expect(child.isAlive()).toBe(false);
    } finally {
      await cleanUp(child);
    }
  });

  it("stopAfter with \"kill\" kills it: exit code -9", async () => {
    const child = napper(10_000);
    try {
      expect(await stopAfter(child, 100, "kill")).toBe(-9);
      expect(child.isAlive()).toBe(false);
    } finally {
      await cleanUp(child);
    }
  });

  it("stopAfter leaves alone a child that ends in time: exit code 0", async () => {
    const child = napper(10);
    try {
      expect(await stopAfter(child, 30_000, "kill")).toBe(0);
    } finally {
      await cleanUp(child);
    }
  });
});

describe("3. Not joining", () => {
  // One run for both tests (children are slow to start): started by the first test that needs it.
  const run = once(async () => {
    const out = new Queue<string>();
    const parent = new Process({ target: startAndLeave, args: [300, out, context], context });
    const started = performance.now();
    parent.start();
    await ended(parent, "startAndLeave's process did not end within 20 s");
    return { parent, out, elapsed: performance.now() - started };
  });

  it("a process that does not join its child still ends only after that child: at least 300 ms", async () => {
    const { parent, elapsed } = await run();
    expect(parent.exitCode).toBe(0);
    expect(elapsed).toBeGreaterThanOrEqual(295);
  });

  it("the child that nobody joined finished its work: its report arrived", async () => {
    const { parent, out } = await run();
    expect(parent.exitCode).toBe(0);
    expect(await itemFrom(out, parent, "the report of napThenReport")).toBe("done");
  });
});

describe("4. Daemons", () => {
  const run = once(async () => {
    const out = new Queue<HelperReport>();
    const parent = new Process({ target: withHelper, args: [out, context], context });
    parent.start();
    const report = await itemFrom(out, parent, "withHelper's report");
    // A correct withHelper ends right after its report; give it far longer, then stop it.
    await parent.join(20_000);
    const endedByItself = !parent.isAlive();
    if (!endedByItself) {
      parent.kill();
      await parent.join();
    }
    return { parent, report, endedByItself };
  });

  it("the helper was a running daemon when withHelper returned", async () => {
    const { report } = await run();
    expect(report).toEqual({ daemon: true, alive: true });
  });

  it("withHelper's process ends although its helper never would: the daemon is terminated with it", async () => {
    const { parent, endedByItself } = await run();
    expect(endedByItself, "withHelper's process did not end within 20 s of its report, although its own work was done: is its helper a daemon?").toBe(true);
    expect(parent.exitCode).toBe(0);
  });
});
