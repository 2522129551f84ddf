import { describe, expect, it } from "vitest";
import { Event, SerializationError, TaskError, type ContextName } from "@multiproc/core";
import { Empty, Queue } from "@multiproc/ipc";
import { Pool, PoolStateError, RemoteTraceback, TimeoutError, WorkerLostError } from "../src/index.ts";
import { add, doubleOrExit, identity, numberOrLabel, oddLater, untilSet, exitNow, fail, failOn, giveFunction, init, initCount, killSelf, noteRun, sleep, sleepThenEcho, slowSquare, square, whoRuns } from "./fixtures/tasks.ts";

const contexts: ContextName[] = ["process", "thread"];

describe("Pool options", () => {
  it("invalid sizes and options throw at construction", () => {
    expect(() => new Pool({ processes: 0 })).toThrow(RangeError);
    expect(() => new Pool({ processes: -2 })).toThrow(RangeError);
    expect(() => new Pool({ processes: 1.5 })).toThrow(RangeError);
    expect(() => new Pool({ maxTasksPerChild: 0 })).toThrow(RangeError);
    expect(() => new Pool({ maxTasksPerChild: 2.5 })).toThrow(RangeError);
    expect(() => new Pool({ initializer: (() => 1) as never })).toThrow(TaskError);
  });
});

describe.each(contexts)("Pool in the %s context", (context) => {
  it("map: squares, in order; 100,000 items equal the sequential result", async () => {
    await using pool = new Pool({ processes: 2, context });
    expect(await pool.map(square, [1, 2, 3, 4, 5])).toEqual([1, 4, 9, 16, 25]);
    expect(await pool.map(square, [])).toEqual([]);
    // Promises among the items are awaited, as `for await` over an array would (read once, up front).
    expect(await pool.map(square, [Promise.resolve(2), 3] as unknown as number[])).toEqual([4, 9]);
    expect(await pool.map(square, new Set([5, 6]))).toEqual([25, 36]);
    const input = Array.from({ length: 100_000 }, (_, i) => i);
    expect(await pool.map(square, input)).toEqual(input.map((x) => x * x));
  });

  it("map over numbers: every number arrives exactly, and results may stop being numbers mid-chunk", async () => {
    await using pool = new Pool({ processes: 2, context });
    const special = [NaN, -0, 0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2, -1.5, 1e-300, 0.1];
    const input = Array.from({ length: 64 }, (_, i) => special[i % special.length]!);
    const echoed = await pool.map(identity, input, { chunksize: 16 });
    expect(echoed).toHaveLength(64);
    for (let i = 0; i < 64; i++) expect(Object.is(echoed[i], input[i]), `item ${i}: ${String(echoed[i])} for ${String(input[i])}`).toBe(true);
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const labelled = xs.map((x) => (x === 45 ? -45 : x === 80 ? "later 80" : x < 50 ? x : `label ${x}`));
    expect(await pool.map(numberOrLabel, xs, { chunksize: 40 })).toEqual(labelled);
    expect(await pool.map(numberOrLabel, xs, { chunksize: 20 })).toEqual(labelled);
    // Numbers among other values travel as they are.
    const mixed = [...xs.slice(0, 30), "x", { n: 1 }, ...xs.slice(30, 60)];
    expect(await pool.map(identity, mixed, { chunksize: 16 })).toEqual(mixed);
    // A promise among the numbers is awaited before the items go out, and the order holds.
    const late = [...xs.slice(0, 40), Promise.resolve(-7), ...xs.slice(41)] as unknown as number[];
    expect(await pool.map(identity, late, { chunksize: 16 })).toEqual([...xs.slice(0, 40), -7, ...xs.slice(41)]);
    // A promise there that rejects fails the map with its error, and the pool goes on.
    const failing = [...xs.slice(0, 40), Promise.reject(new RangeError("no item 40"))] as unknown as number[];
    await expect(pool.map(identity, failing, { chunksize: 16 })).rejects.toThrow("no item 40");
    expect(await pool.map(square, xs, { chunksize: 16 })).toEqual(xs.map((x) => x * x));
  });

  it("apply, applyAsync with callback, and AsyncResult", async () => {
    await using pool = new Pool({ processes: 2, context });
    expect(await pool.apply(add, [2, 3])).toBe(5);
    let seen: number | undefined;
    const r = pool.applyAsync(slowSquare, [7, 50], { callback: (v) => (seen = v) });
    expect(r.ready()).toBe(false);
    expect(() => r.successful()).toThrow(/not ready/);
    expect(await r.wait({ timeout: 10_000 })).toBe(true);
    expect(r.ready()).toBe(true);
    expect(r.successful()).toBe(true);
    expect(await r.get()).toBe(49);
    expect(seen).toBe(49);
    const slow = pool.applyAsync(sleep, [2_000]);
    await expect(slow.get({ timeout: 50 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it("starmap, starmapAsync and mapAsync", async () => {
    await using pool = new Pool({ processes: 2, context });
    expect(await pool.starmap(add, [[1, 2], [3, 4]])).toEqual([3, 7]);
    expect(await pool.starmapAsync(add, [[5, 5]]).get()).toEqual([10]);
    let done: number[] | undefined;
    expect(await pool.mapAsync(square, [3], { callback: (v) => (done = v) })).toEqual([9]);
    expect(done).toEqual([9]);
  });

  it("map runs a chunk whose task returns a promise for some items only, in order", async () => {
    await using pool = new Pool({ processes: 2, context });
    const input = Array.from({ length: 40 }, (_, i) => i);
    const expected = input.map((x) => (x % 2 === 1 ? -x : x));
    expect(await pool.map(oddLater, input, { chunksize: 8 })).toEqual(expected);
    expect(await pool.map(oddLater, [0, 2, 4, 1])).toEqual([0, 2, 4, -1]);
  });

  it("imap keeps input order with chunksize 100 over 1,000; imapUnordered yields every result", async () => {
    await using pool = new Pool({ processes: 2, context });
    const input = Array.from({ length: 1000 }, (_, i) => i);
    const ordered: number[] = [];
    for await (const v of pool.imap(square, input, { chunksize: 100 })) ordered.push(v);
    expect(ordered).toEqual(input.map((x) => x * x));
    const unordered: number[] = [];
    for await (const v of pool.imapUnordered(slowSquare, input.slice(0, 50))) unordered.push(v);
    expect(unordered.sort((a, b) => a - b)).toEqual(input.slice(0, 50).map((x) => x * x));
  });

  it("imapUnordered yields each result as it comes, throws a task's error, and can be left early", async () => {
    await using pool = new Pool({ processes: 2, context });
    // The first item goes to one worker and sleeps; the others finish on the other worker first.
    const got: number[] = [];
    for await (const v of pool.imapUnordered(sleepThenEcho, [600, 10, 20, 30])) got.push(v);
    expect(got[0]).toBe(10);
    expect([...got].sort((a, b) => a - b)).toEqual([10, 20, 30, 600]);
    // A failing item ends the iteration with its error, after results that came before it.
    const before: number[] = [];
    const err = await (async () => {
      for await (const v of pool.imapUnordered(failOn, [0, 1, 2, 3, 4, 5])) before.push(v);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe("no 3");
    expect(before.every((v) => v !== 3)).toBe(true);
    // Leaving early: the results still running are dropped, and the pool goes on working.
    for await (const v of pool.imapUnordered(sleepThenEcho, [5, 300, 300, 300, 300])) {
      expect(v).toBe(5);
      break;
    }
    expect(await pool.map(square, [1, 2, 3])).toEqual([1, 4, 9]);
  });

  it("imap reads its input lazily: 10 million items are never materialised", async () => {
    await using pool = new Pool({ processes: 2, context });
    let pulled = 0;
    function* huge() {
      for (let i = 0; i < 10_000_000; i++) {
        pulled++;
        yield i;
      }
    }
    const got: number[] = [];
    for await (const v of pool.imap(square, huge(), { chunksize: 10 })) {
      got.push(v);
      if (got.length === 25) break;
    }
    expect(got).toEqual(Array.from({ length: 25 }, (_, i) => i * i));
    expect(pulled).toBeLessThan(1_000);
  });

  it("an input iterable that throws at item 3", async () => {
    await using pool = new Pool({ processes: 2, context });
    function* broken() {
      yield 0;
      yield 1;
      yield 2;
      throw new Error("input broke at 3");
    }
    await expect(pool.map(square, broken())).rejects.toThrow("input broke at 3");
    const got: number[] = [];
    const err = await (async () => {
      for await (const v of pool.imap(square, broken())) got.push(v);
    })().catch((e: unknown) => e);
    expect(got).toEqual([0, 1, 4]);
    expect((err as Error).message).toBe("input broke at 3");
  });

  it("a task's error keeps its class and message, with the worker's stack as cause; map fails fast", async () => {
    await using pool = new Pool({ processes: 2, context });
    const err = await pool.apply(fail, ["bad input"]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toBe("bad input");
    expect((err as Error).cause).toBeInstanceOf(RemoteTraceback);
    expect(String(((err as Error).cause as Error).message)).toMatch(/fail/);
    await expect(pool.map(failOn, [1, 2, 3, 4], { chunksize: 1 })).rejects.toThrow("no 3");
    expect(await pool.apply(add, [1, 1])).toBe(2);
  });

  it("unserialisable arguments and results give clear errors, 20 in a row, and the pool keeps working", async () => {
    await using pool = new Pool({ processes: 2, context });
    for (let i = 0; i < 20; i++) {
      await expect(pool.apply(add, [() => 1, 2] as never)).rejects.toBeInstanceOf(SerializationError);
    }
    for (let i = 0; i < 20; i++) {
      await expect(pool.apply(giveFunction, [])).rejects.toThrow(/not serialisable/);
    }
    expect(await pool.map(square, [1, 2, 3])).toEqual([1, 4, 9]);
  });

  it("a worker that exits or is killed mid-task fails that task with its exit code, and is replaced", async () => {
    const pool = new Pool({ processes: 2, context });
    const others = pool.map(slowSquare, [1, 2, 3, 4, 5, 6], { chunksize: 1 });
    const exited = await pool.apply(exitNow, [3]).catch((e: unknown) => e);
    expect(exited).toBeInstanceOf(WorkerLostError);
    expect((exited as WorkerLostError).exitCode).toBe(3);
    if (context === "process") {
      const killed = await pool.apply(killSelf, []).catch((e: unknown) => e);
      expect(killed).toBeInstanceOf(WorkerLostError);
      expect((killed as WorkerLostError).exitCode).toBe(-9);
      expect((killed as WorkerLostError).signal).toBe("SIGKILL");
    }
    expect(await others).toEqual([1, 4, 9, 16, 25, 36]);
    expect(await pool.apply(add, [2, 2])).toBe(4);
    pool.close();
    await pool.join();
  });

  it("packed chunks queued behind a chunk whose worker dies run on the new worker, intact, 10 rounds", async () => {
    await using pool = new Pool({ processes: 1, context });
    const xs = Array.from({ length: 160 }, (_, i) => i + 0.5);
    for (let round = 0; round < 10; round++) {
      // One worker: the chunks of the second map wait behind the dying chunk, as views of its packed input.
      const lost = pool.map(doubleOrExit, [1, 2, -1, ...xs.slice(0, 20)], { chunksize: 16 }).catch((e: unknown) => e);
      const behind = pool.map(doubleOrExit, xs, { chunksize: 16 });
      const error = await lost;
      expect(error).toBeInstanceOf(WorkerLostError);
      expect((error as WorkerLostError).exitCode).toBe(7);
      expect(await behind).toEqual(xs.map((x) => 2 * x));
    }
  });

  it("jobs queued behind a task whose worker dies never started: they run on the new worker, 20 rounds", async () => {
    await using pool = new Pool({ processes: 1, context });
    for (let round = 0; round < 20; round++) {
      // One worker: the jobs behind wait in the dying worker's queue (up to 32 of one item each
      // go there) or in the pool's.
      const lost = pool.apply(exitNow, [3]).catch((e: unknown) => e);
      const behind = [pool.apply(add, [round, 1]), ...Array.from({ length: 40 }, (_, i) => pool.apply(square, [round + i]))];
      expect(await lost).toBeInstanceOf(WorkerLostError);
      expect(await Promise.all(behind)).toEqual([round + 1, ...Array.from({ length: 40 }, (_, i) => (round + i) ** 2)]);
    }
  });

  it("a worker killed amid a stream of small jobs: only the job it ran fails, every other one runs exactly once, 5 rounds", async () => {
    await using pool = new Pool({ processes: 1, context });
    // In another process a worker receives jobs in batches: those it had received and not started
    // when it died must run again, once, and those it had finished must not.
    const killer = context === "process" ? killSelf : exitNow;
    const n = 400;
    for (let round = 0; round < 5; round++) {
      const notes = new Queue<number>();
      const before = Array.from({ length: n / 2 }, (_, i) => pool.apply(noteRun, [notes, i]));
      const killed = pool.apply(killer, [3]).catch((e: unknown) => e);
      const after = Array.from({ length: n / 2 }, (_, i) => pool.apply(noteRun, [notes, n / 2 + i]));
      expect(await Promise.all([...before, ...after])).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(await killed).toBeInstanceOf(WorkerLostError);
      // Each job's note arrived before its answer: all are in the queue now, and none twice.
      const ran: number[] = [];
      for (let i = 0; i < n; i++) ran.push(await notes.get({ timeout: 5_000 }));
      expect(ran.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      await expect(notes.getNowait()).rejects.toBeInstanceOf(Empty);
    }
  });

  it("a job queued behind a long one moves to a worker that becomes idle", async () => {
    await using pool = new Pool({ processes: 2, context });
    await pool.map(square, [1, 2], { chunksize: 1 }); // both workers up
    const release = new Event();
    const long = pool.apply(untilSet, [release]); // runs until the event is set
    const short = pool.apply(add, [1, 1]);
    const behind = pool.apply(square, [7]); // no idle worker now: it queues behind a running job
    expect(await short).toBe(2);
    // Were it left behind the long job, it would never finish: the event is set only after it.
    expect(await behind).toBe(49);
    await release.set();
    expect(await long).toBe("done");
  });

  it("a throwing callback does not break the pool", async () => {
    await using pool = new Pool({ processes: 1, context });
    const r = pool.applyAsync(square, [3], {
      callback: () => {
        throw new Error("callback bug");
      },
    });
    expect(await r.get()).toBe(9);
    expect(await pool.apply(square, [4])).toBe(16);
  });

  it("maxTasksPerChild replaces workers; the initializer runs once per worker", async () => {
    await using pool = new Pool({ processes: 2, maxTasksPerChild: 1, initializer: init, initargs: [1], context });
    const who = await pool.map(whoRuns, Array.from({ length: 6 }, () => undefined as never), { chunksize: 1 });
    expect(new Set(who).size).toBe(6);
    const counts = await pool.map(initCount, Array.from({ length: 4 }, () => undefined as never), { chunksize: 1 });
    expect(counts).toEqual([1, 1, 1, 1]);
  });

  it("stress: 40 workers that each end right after their one task lose none of the tasks", async () => {
    // The worker's exit can be seen before its last answer is read: that answer still counts.
    await using pool = new Pool({ processes: 2, maxTasksPerChild: 1, context });
    const input = Array.from({ length: 40 }, (_, i) => i);
    expect(await pool.map(square, input, { chunksize: 1 })).toEqual(input.map((x) => x * x));
  }, 120_000);

  it("a per-call timeout kills and replaces the worker running it", async () => {
    await using pool = new Pool({ processes: 1, context });
    const t0 = performance.now();
    await expect(pool.apply(sleep, [10_000], { timeout: 200 })).rejects.toBeInstanceOf(TimeoutError);
    expect(performance.now() - t0).toBeLessThan(9_000);
    expect(await pool.apply(add, [1, 2])).toBe(3);
  });

  it("a call with a timeout runs alone: the jobs before it and after it are not killed with it", async () => {
    await using pool = new Pool({ processes: 1, context });
    // Were it queued behind them, its 200 ms would run out during theirs (0.6 s in all) and kill
    // one of them; were they queued behind it, they would wait for its worker's replacement.
    const before = Array.from({ length: 30 }, (_, i) => pool.apply(slowSquare, [i, 20]));
    const timed = pool.apply(sleep, [10_000], { timeout: 200 }).catch((e: unknown) => e);
    const after = Array.from({ length: 30 }, (_, i) => pool.apply(square, [i]));
    expect(await Promise.all(before)).toEqual(Array.from({ length: 30 }, (_, i) => i * i));
    expect(await timed).toBeInstanceOf(TimeoutError);
    expect(await Promise.all(after)).toEqual(Array.from({ length: 30 }, (_, i) => i * i));
  });

  it("an AbortSignal cancels queued and running calls", async () => {
    await using pool = new Pool({ processes: 1, context });
    const running = new AbortController();
    const queued = new AbortController();
    // Errors are caught at once: Bun reports a rejection that has no handler yet as a failure.
    const caught = (p: Promise<unknown>) => p.then(() => "resolved", (e: unknown) => (e as Error).message);
    const a = caught(pool.apply(sleep, [10_000], { signal: running.signal }));
    const b = caught(pool.apply(sleep, [10_000], { signal: queued.signal }));
    const c = caught(pool.apply(sleep, [10_000], { signal: queued.signal }));
    queued.abort(new Error("no longer needed"));
    expect(await b).toBe("no longer needed");
    expect(await c).toBe("no longer needed");
    running.abort(new Error("stop"));
    expect(await a).toBe("stop");
    expect(await pool.apply(add, [5, 5])).toBe(10);
    await expect(pool.apply(add, [1, 1], { signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
  });

  it("close(), join() and terminate(): join throws while running; terminate with 10,000 pending tasks returns promptly", async () => {
    const pool = new Pool({ processes: 2, context });
    await expect(pool.join()).rejects.toBeInstanceOf(PoolStateError);
    const pending = Array.from({ length: 10_000 }, () => pool.apply(sleep, [60_000]).catch((e: unknown) => e));
    const t0 = performance.now();
    await pool.terminate();
    expect(performance.now() - t0).toBeLessThan(10_000);
    const results = await Promise.all(pending);
    expect(results.every((r) => r instanceof PoolStateError)).toBe(true);
    await expect(pool.apply(add, [1, 1])).rejects.toBeInstanceOf(PoolStateError);
  });

  it("close() lets queued work finish", async () => {
    const pool = new Pool({ processes: 2, context });
    const results = [1, 2, 3, 4].map((x) => pool.apply(slowSquare, [x, 30]));
    pool.close();
    await pool.join();
    expect(await Promise.all(results)).toEqual([1, 4, 9, 16]);
  });

  // OS processes cost tens of milliseconds each to start; fewer pools keep the suite quick.
  it(`${context === "thread" ? 200 : 30} sequential pools created and closed leak nothing`, async () => {
    const n = context === "thread" ? 200 : 30;
    const resources = () => (typeof process.getActiveResourcesInfo === "function" ? process.getActiveResourcesInfo().length : 0);
    const before = resources();
    for (let i = 0; i < n; i++) {
      await using pool = new Pool({ processes: 1, context });
      expect(await pool.apply(add, [i, 1])).toBe(i + 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(resources()).toBeLessThanOrEqual(before + 2);
  }, 120_000);
});
