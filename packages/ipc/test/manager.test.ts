import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Array as SharedArray,
  Barrier,
  BoundedSemaphore,
  Condition,
  encodeToBytes,
  Event,
  Lock,
  OwnerGoneError,
  Process,
  RLock,
  Semaphore,
  Value,
  type ContextName,
} from "@multiproc/core";
import {
  AttributeError,
  DictProxy,
  IndexError,
  JoinableQueue,
  KeyError,
  ListProxy,
  Manager,
  ManagerShutdownError,
  NamespaceProxy,
  Queue,
  ValueError,
} from "../src/index.ts";
import { callAfterShutdown, countAndLog, lockedIncrement, proxyFromQueue, reportErrors, setAndLeave, usePrimitives } from "./fixtures/manager-tasks.ts";

const contexts: ContextName[] = ["process", "thread"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any task's arguments
async function runAll(children: Process<any>[]): Promise<void> {
  children.forEach((p) => p.start());
  for (const p of children) await p.join();
  expect(children.map((p) => p.exitCode)).toEqual(children.map(() => 0));
}

describe.each(contexts)("Manager in the %s context", (context) => {
  let manager: Manager;
  beforeAll(async () => {
    manager = await Manager.start({ context });
  });
  afterAll(async () => {
    await manager.shutdown();
  });

  it("runs its server as a separate daemonic child", () => {
    expect(manager.name).toMatch(/^SyncManager-/);
    expect(manager.exitCode).toBeNull();
    if (context === "process") expect(manager.pid).not.toBe(process.pid);
    else expect(manager.pid).toBe(process.pid);
  });

  it("dict, list and namespace used by several children at once: nothing is lost", async () => {
    const n = 100;
    const counts = await manager.dict<string, number>();
    const log = await manager.list<string>();
    const ns = await manager.namespace();
    await runAll([1, 2, 3].map((id) => new Process({ target: countAndLog, args: [counts, log, ns, id, n], context })));
    expect(await counts.copy()).toEqual(new Map([1, 2, 3].map((id) => [`child ${id}`, n])));
    const items = await log.copy();
    expect(items).toHaveLength(3 * n);
    for (const id of [1, 2, 3]) {
      // Each child's appends keep their order among the others'.
      expect(items.filter((s) => s.startsWith(`${id}:`))).toEqual(Array.from({ length: n }, (_, i) => `${id}:${i}`));
    }
    expect(await ns.copy()).toEqual({ "child 1": "done", "child 2": "done", "child 3": "done" });
  }, 60_000);

  it("a child may exit right after changing a proxy without awaiting: nothing is lost", async () => {
    const d = await manager.dict<string, number>();
    const l = await manager.list<number>();
    await runAll([new Process({ target: setAndLeave, args: [d, l, 200], context })]);
    expect(await d.size()).toBe(200);
    expect(await l.copy()).toEqual(Array.from({ length: 200 }, (_, i) => i));
  }, 60_000);

  it("a Lock made by the manager makes get-then-set on one key safe across children", async () => {
    const counts = await manager.dict<string, number>({ total: 0 });
    const lock = await manager.Lock();
    await runAll([1, 2, 3].map(() => new Process({ target: lockedIncrement, args: [counts, lock, 20], context })));
    expect(await counts.get("total")).toBe(60);
  }, 60_000);

  it("proxies travel through queues and inside other proxies", async () => {
    const d = await manager.dict<string, unknown>();
    const nested = await manager.list<string>(["from parent"]);
    await d.set("list", nested);
    const inbox = new Queue<DictProxy<string, unknown>>();
    await inbox.put(d);
    await runAll([new Process({ target: proxyFromQueue, args: [inbox], context })]);
    expect(await d.get("from child")).toBe(true);
    expect(await nested.copy()).toEqual(["from parent", "from child"]);
    const back = await d.get("list");
    expect(back).toBeInstanceOf(ListProxy);
    expect(await (back as ListProxy<string>).length()).toBe(2);
  }, 60_000);

  it("errors raised in the manager keep their class, in the parent and in a child", async () => {
    const d = await manager.dict<string, number>();
    const l = await manager.list<string>(["a"]);
    const ns = await manager.namespace<{ x: number }>({ x: 1 });

    const keyError = await d.get("missing").catch((e: unknown) => e);
    expect(keyError).toBeInstanceOf(KeyError);
    expect((keyError as KeyError).key).toBe("missing");
    expect((keyError as Error).message).toMatch(/"missing".*get\(key, default\)/);
    const indexError = await l.get(-2).catch((e: unknown) => e);
    expect(indexError).toBeInstanceOf(IndexError);
    expect((indexError as IndexError).index).toBe(-2);
    expect((indexError as Error).message).toContain("the list has 1 item");
    await expect(l.remove("b")).rejects.toBeInstanceOf(ValueError);
    await expect(l.index("b")).rejects.toThrow(/"b" is not in the list/);
    await expect(ns.get("y" as "x")).rejects.toBeInstanceOf(AttributeError);
    await expect(l.get(0.5)).rejects.toBeInstanceOf(TypeError);
    await expect(d.set({ id: 1 } as unknown as string, 1)).rejects.toThrow(/keys must be strings, numbers/);

    const out = new Queue<string[]>();
    await runAll([new Process({ target: reportErrors, args: [d, l, ns, out], context })]);
    expect(await out.get()).toEqual([
      "KeyError instanceof=true",
      "IndexError instanceof=true",
      "ValueError instanceof=true",
      "AttributeError instanceof=true",
      "TypeError instanceof=true",
    ]);
  }, 60_000);

  it("a value read is a copy: changing it changes the dict only once it is set back", async () => {
    const d = await manager.dict<string, { visits: number; tags: string[] }>();
    const user = { visits: 1, tags: [] as string[] };
    await d.set("ada", user);
    user.visits = 99; // copied at set(): the dict does not see this
    const read = await d.get("ada");
    expect(read).toEqual({ visits: 1, tags: [] });
    read.visits += 1;
    read.tags.push("admin");
    expect(await d.get("ada")).toEqual({ visits: 1, tags: [] });
    await d.set("ada", read);
    expect(await d.get("ada")).toEqual({ visits: 2, tags: ["admin"] });
    const l = await manager.list([{ n: 1 }]);
    const item = await l.get(0);
    item.n = 2;
    expect(await l.get(0)).toEqual({ n: 1 });
    await l.set(0, item);
    expect(await l.get(0)).toEqual({ n: 2 });
  });

  it("the dict API", async () => {
    const d = await manager.dict<string, number>(new Map([["a", 1]]));
    expect(await d.get("a")).toBe(1);
    expect(await d.get("b", undefined)).toBeUndefined();
    expect(await d.get("b", 0)).toBe(0);
    await d.set("b", 2);
    expect(await d.has("b")).toBe(true);
    expect(await d.size()).toBe(2);
    expect(await d.keys()).toEqual(["a", "b"]);
    expect(await d.values()).toEqual([1, 2]);
    expect(await d.items()).toEqual([["a", 1], ["b", 2]]);
    expect(await d.setDefault("a", 10)).toBe(1);
    expect(await d.setDefault("c", 3)).toBe(3);
    expect(await d.pop("c")).toBe(3);
    expect(await d.pop("c", -1)).toBe(-1);
    await expect(d.pop("c")).rejects.toBeInstanceOf(KeyError);
    expect(await d.delete("b")).toBe(true);
    expect(await d.delete("b")).toBe(false);
    await d.update({ x: 1 });
    await d.update([["y", 2]]);
    await d.update(new Map([["z", 3]]));
    expect(await d.popItem()).toEqual(["z", 3]);
    const seen: [string, number][] = [];
    for await (const entry of d) seen.push(entry);
    expect(seen).toEqual([["a", 1], ["x", 1], ["y", 2]]);
    // A bad pair in update() changes nothing.
    await expect(d.update([["ok", 1], [{} as string, 2]])).rejects.toBeInstanceOf(TypeError);
    expect(await d.has("ok")).toBe(false);
    await d.clear();
    expect(await d.size()).toBe(0);
    await expect(d.popItem()).rejects.toBeInstanceOf(KeyError);

    const byNumber = await manager.dict<number | bigint | boolean | null, string>([[1, "one"], [2n, "two"], [true, "yes"], [null, "none"]]);
    expect(await byNumber.get(1)).toBe("one");
    expect(await byNumber.get(2n)).toBe("two");
    expect(await byNumber.get(true)).toBe("yes");
    expect(await byNumber.get(null)).toBe("none");
    await expect(manager.dict([[[1, 2], "array key"]] as never)).rejects.toBeInstanceOf(TypeError);
  });

  it("the list API, with Python's indexes", async () => {
    const l = await manager.list<number>([1, 2, 3]);
    expect(await l.get(-1)).toBe(3);
    await l.set(-1, 30);
    await expect(l.set(3, 0)).rejects.toBeInstanceOf(IndexError);
    await l.append(4);
    await l.extend((function* () {
      yield 5;
      yield 6;
    })());
    await l.insert(0, 0);
    await l.insert(-1, 55); // before the last item
    await l.insert(100, 7); // past the end: at the end
    expect(await l.copy()).toEqual([0, 1, 2, 30, 4, 5, 55, 6, 7]);
    expect(await l.pop()).toBe(7);
    expect(await l.pop(0)).toBe(0);
    await l.remove(55);
    expect(await l.length()).toBe(6);
    await l.append(2);
    expect(await l.count(2)).toBe(2);
    expect(await l.index(2)).toBe(1);
    expect(await l.index(2, 2)).toBe(6);
    await expect(l.index(2, 2, 6)).rejects.toBeInstanceOf(ValueError);
    expect(await l.slice(1, -1)).toEqual([2, 30, 4, 5, 6]);
    expect(await l.slice(-2)).toEqual([6, 2]);
    await l.sort();
    expect(await l.copy()).toEqual([1, 2, 2, 4, 5, 6, 30]); // by value, not as text
    await l.sort({ reverse: true });
    await l.reverse();
    expect(await l.copy()).toEqual([1, 2, 2, 4, 5, 6, 30]);
    const seen: number[] = [];
    for await (const x of l) seen.push(x);
    expect(seen).toEqual([1, 2, 2, 4, 5, 6, 30]);
    await l.clear();
    await expect(l.pop()).rejects.toThrow(/empty/);

    const mixed = await manager.list<unknown>([{ a: [1] }, "b", 1]);
    await expect(mixed.sort()).rejects.toThrow(/cannot order/);
    expect(await mixed.copy()).toEqual([{ a: [1] }, "b", 1]); // unchanged
    expect(await mixed.index({ a: [1] })).toBe(0); // compared by content
    await mixed.remove({ a: [1] });
    expect(await mixed.copy()).toEqual(["b", 1]);
  });

  it("the namespace API", async () => {
    const ns = await manager.namespace<{ mode: string; n: number }>({ mode: "fast" });
    expect(await ns.get("mode")).toBe("fast");
    expect(await ns.has("n")).toBe(false);
    await ns.set("n", 1);
    expect(await ns.copy()).toEqual({ mode: "fast", n: 1 });
    expect(await ns.delete("mode")).toBe(true);
    const err = await ns.get("mode").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttributeError);
    expect((err as AttributeError).attribute).toBe("mode");
  });

  it("makes real primitives and queues in its process, usable from children", async () => {
    expect(await manager.RLock()).toBeInstanceOf(RLock);
    expect(await manager.Semaphore(2)).toBeInstanceOf(Semaphore);
    expect(await manager.BoundedSemaphore(2)).toBeInstanceOf(BoundedSemaphore);
    expect(await manager.Condition(await manager.Lock())).toBeInstanceOf(Condition);
    expect(await manager.Barrier(2)).toBeInstanceOf(Barrier);
    expect(await manager.JoinableQueue()).toBeInstanceOf(JoinableQueue);
    const array = await manager.Array("i", [1, 2, 3]);
    expect(array).toBeInstanceOf(SharedArray);
    expect(await array.get(2)).toBe(3);
    await expect(manager.Value("x" as "i", 0)).rejects.toBeInstanceOf(TypeError);

    const q = await manager.Queue<number>();
    const total = await manager.Value("i", 0);
    const done = await manager.Event();
    const lock = await manager.Lock();
    expect([q, total, done, lock].map((o) => o.constructor)).toEqual([Queue, Value, Event, Lock]);
    await runAll([1, 2, 3].map((id) => new Process({ target: usePrimitives, args: [q, total, done, lock, id], context })));
    expect(await total.get()).toBe(6);
    expect(await done.isSet()).toBe(true);
    const got = [await q.get(), await q.get(), await q.get()];
    expect(got.sort()).toEqual([1, 2, 3]);
  }, 60_000);

  it("cannot itself be sent to another process", () => {
    expect(() => encodeToBytes([manager])).toThrow(/a Manager cannot be sent/);
  });
});

describe.each(contexts)("Manager shutdown in the %s context", (context) => {
  it("await using shuts the manager down at the end of the block; its proxies then fail clearly", async () => {
    let stopped: Manager;
    let d: DictProxy<string, number>;
    {
      await using manager = await Manager.start({ context });
      stopped = manager;
      d = await manager.dict({ a: 1 });
      expect(await d.get("a")).toBe(1);
    }
    expect(stopped.exitCode).toBe(0);
    const err = await d.get("a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagerShutdownError);
    expect(err).toBeInstanceOf(OwnerGoneError);
    expect((err as Error).message).toContain(`DictProxy.get(): the manager ${stopped.name} has shut down`);
    await expect(stopped.list()).rejects.toBeInstanceOf(ManagerShutdownError);
    await stopped.shutdown(); // again: nothing more to do
  });

  it("after shutdown, a child's proxy and the manager's objects fail with OwnerGoneError subclasses", async () => {
    const manager = await Manager.start({ context });
    const d = await manager.dict<string, number>();
    const lock = await manager.Lock();
    const ready = new Queue<string>();
    const go = new Queue<string>();
    const out = new Queue<string>();
    const child = new Process({ target: callAfterShutdown, args: [d, ready, go, out], context });
    child.start();
    expect(await ready.get()).toBe("ready");
    await manager.shutdown();
    await go.put("go");
    const [fromChild, lockError] = await Promise.all([out.get(), lock.acquire().catch((e: unknown) => e)]);
    expect(fromChild).toMatch(new RegExp(`^ManagerShutdownError instanceof=true: DictProxy\\.size\\(\\): the manager ${manager.name} has shut down`));
    expect(lockError).toBeInstanceOf(OwnerGoneError);
    await child.join();
    expect(child.exitCode).toBe(0);
  }, 60_000);
});

describe("Manager whose process is killed", () => {
  // Only an OS process can be killed from outside by its pid; a worker thread has no pid of its own.
  it("fails later calls with ManagerShutdownError, and shutdown() still resolves", async () => {
    const manager = await Manager.start({ context: "process" });
    const d = await manager.dict<string, number>({ a: 1 });
    expect(await d.get("a")).toBe(1);
    process.kill(manager.pid!, "SIGKILL");
    const err = await d.get("a").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManagerShutdownError);
    expect((err as Error).message).toContain("or its process exited");
    await expect(manager.dict()).rejects.toBeInstanceOf(ManagerShutdownError);
    await manager.shutdown();
    expect(manager.exitCode).toBe(-9);
  }, 30_000);
});

describe("Manager", () => {
  it("is started with Manager.start(), not constructed", () => {
    const Ctor = Manager as unknown as new () => Manager;
    expect(() => new Ctor()).toThrow(/Manager\.start\(\)/);
  });
});
