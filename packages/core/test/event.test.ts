import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Event, Process, Semaphore, type ContextName } from "../src/index.ts";
import { eventClear, eventPong, eventSetAndExit, eventSync, eventWait } from "./fixtures/primitive-tasks.ts";
import { readReport, tempDir } from "./helpers.ts";

const contexts: ContextName[] = ["process", "thread"];

describe("Event in this process", () => {
  it("set, isSet, clear; wait returns at once while set", async () => {
    const ev = new Event();
    expect(await ev.isSet()).toBe(false);
    await ev.set();
    expect(await ev.isSet()).toBe(true);
    expect(await ev.wait()).toBe(true);
    expect(await ev.wait({ timeout: 0 })).toBe(true);
    await ev.clear();
    expect(await ev.isSet()).toBe(false);
  });

  it("wait({ timeout }) on a clear event returns false after the timeout; a negative timeout acts as 0", async () => {
    const ev = new Event();
    const t0 = performance.now();
    expect(await ev.wait({ timeout: 200 })).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(await ev.wait({ timeout: -5 })).toBe(false);
    await expect(ev.wait({ timeout: Number.NaN })).rejects.toThrow(TypeError);
  });

  it("set wakes every waiter", async () => {
    const ev = new Event();
    const waiters = Array.from({ length: 50 }, () => ev.wait({ timeout: 10_000 }));
    await ev.set();
    expect(await Promise.all(waiters)).toEqual(Array.from({ length: 50 }, () => true));
  });

  it("the synchronous methods work where the memory is", () => {
    const ev = new Event();
    expect(ev.isSetSync()).toBe(false);
    expect(ev.waitSync({ timeout: 0 })).toBe(false);
    ev.setSync();
    expect(ev.waitSync()).toBe(true);
    ev.clearSync();
    expect(ev.isSetSync()).toBe(false);
  });
});

describe.each(contexts)("Event across the %s context", (context) => {
  it("set() wakes children waiting for the event", async () => {
    const dir = tempDir();
    const ev = new Event();
    const waiting = new Semaphore(0);
    const files = [0, 1, 2].map((i) => join(dir, `${i}.json`));
    const children = files.map((file) => new Process({ target: eventWait, args: [ev, waiting, file, 20_000], context }));
    children.forEach((p) => p.start());
    for (let i = 0; i < 3; i++) expect(await waiting.acquire({ timeout: 10_000 })).toBe(true);
    await ev.set();
    for (const p of children) await p.join();
    expect(children.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    for (const file of files) expect(readReport(file)).toMatchObject({ ok: true, got: true });
  });

  it("a child's timed wait on a clear event returns false after the timeout", async () => {
    const file = join(tempDir(), "wait.json");
    const p = new Process({ target: eventWait, args: [new Event(), new Semaphore(0), file, 200], context });
    p.start();
    await p.join();
    const r = readReport<{ ok: boolean; got: boolean; ms: number }>(file);
    expect(r.got).toBe(false);
    expect(r.ms).toBeGreaterThanOrEqual(150);
  });

  it("a child's set() arrives even if it exits without awaiting it; a child can read and clear the flag", async () => {
    const ev = new Event();
    const a = new Process({ target: eventSetAndExit, args: [ev], context });
    a.start();
    await a.join();
    expect(a.exitCode).toBe(0);
    expect(await ev.isSet()).toBe(true);

    const file = join(tempDir(), "clear.json");
    const b = new Process({ target: eventClear, args: [ev, file], context });
    b.start();
    await b.join();
    expect(readReport(file)).toEqual({ ok: true, got: { before: true, after: false } });
    expect(await ev.isSet()).toBe(false);
  });

  it("stress: 150 rounds of ping-pong with a child lose no wake-up", async () => {
    const ping = new Event();
    const pong = new Event();
    const p = new Process({ target: eventPong, args: [ping, pong, 150], context });
    p.start();
    for (let i = 0; i < 150; i++) {
      await ping.set();
      expect(await pong.wait({ timeout: 20_000 })).toBe(true);
      await pong.clear();
    }
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it("the synchronous methods work in worker threads and say why they cannot in other processes", async () => {
    const file = join(tempDir(), "sync.json");
    const p = new Process({ target: eventSync, args: [new Event(), file], context });
    p.start();
    await p.join();
    if (context === "thread") {
      expect(readReport(file)).toEqual({ ok: true, got: { timedOut: false, set: true, waited: true, cleared: true } });
    } else {
      expect(readReport(file)).toMatchObject({ ok: false, name: "TypeError", message: expect.stringMatching(/use the async method/) });
    }
  });
});
