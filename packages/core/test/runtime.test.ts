import { describe, expect, it } from "vitest";
import { cpuCount, detectRuntime, runtime } from "../src/index.ts";

// The test runner tells us which runtime it launched (scripts/test.ts sets it), so these tests
// check the detection against an outside source instead of against itself.
const expected = process.env.MULTIPROC_EXPECT_RUNTIME;

describe("runtime detection", () => {
  it("reports the runtime the test runner launched", () => {
    if (expected === undefined) {
      // Run outside scripts/test.ts: fall back to the runtime's own unambiguous globals.
      const g = globalThis as Record<string, unknown>;
      const own = "Deno" in g ? "deno" : "Bun" in g ? "bun" : "node";
      expect(runtime.name).toBe(own);
    } else {
      expect(runtime.name).toBe(expected);
    }
  });

  it("reports a version of the form major.minor.patch", () => {
    expect(runtime.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("reports the same version the runtime prints for itself", () => {
    const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
    const own = g.Deno?.version.deno ?? g.Bun?.version ?? process.versions.node;
    expect(runtime.version).toBe(own);
  });

  it("tells the runtimes apart from fake globals, Deno and Bun before Node", () => {
    const nodeish = { process: { versions: { node: "24.0.0" } } };
    expect(detectRuntime(nodeish)).toEqual({ name: "node", version: "24.0.0" });
    expect(detectRuntime({ ...nodeish, Deno: { version: { deno: "2.9.6" } } })).toEqual({
      name: "deno",
      version: "2.9.6",
    });
    expect(detectRuntime({ ...nodeish, Bun: { version: "1.4.5" } })).toEqual({
      name: "bun",
      version: "1.4.5",
    });
  });

  it("throws a clear error for an unknown runtime", () => {
    expect(() => detectRuntime({})).toThrow(/unsupported JavaScript runtime/);
  });
});

describe("cpuCount", () => {
  it("is a positive integer", () => {
    const n = cpuCount();
    expect(Number.isInteger(n)).toBe(true);
    expect(n).toBeGreaterThanOrEqual(1);
  });

  it("does not exceed the number of logical CPUs the OS reports", async () => {
    const os = await import("node:os");
    expect(cpuCount()).toBeLessThanOrEqual(Math.max(1, os.cpus().length));
  });
});

describe("siblingModule", () => {
  it("names a started module with the extension of the module that names it (sources .ts, build .js)", async () => {
    const { siblingModule } = await import("../src/sibling.ts");
    expect(siblingModule("file:///p/src/process/spawn.ts", "child-main").href).toBe("file:///p/src/process/child-main.ts");
    expect(siblingModule("file:///p/dist/process/spawn.js", "child-main").href).toBe("file:///p/dist/process/child-main.js");
    expect(siblingModule("file:///p/dist/x.mjs", "y").href).toBe("file:///p/dist/y.mjs");
    expect(siblingModule("file:///p/dist/noext", "y").href).toBe("file:///p/dist/y.js");
  });
});

describe("the Node-API adapter and the calling thread", () => {
  const specifics = { name: runtime.name, scriptCommand: (file: string) => ({ command: "x", args: [file] }), spinBeforeParkMs: 0 };

  /** Makes an adapter while `node:worker_threads` cannot be loaded: what the adapter reads from it, it must not need. */
  async function withoutWorkerThreads(isMainThread: () => boolean) {
    const { createNodeCompatAdapter } = await import("../src/runtime/node-compat.ts");
    const original = process.getBuiltinModule;
    process.getBuiltinModule = ((id: string) => {
      if (id === "node:worker_threads") throw new Error("node:worker_threads was loaded");
      return original.call(process, id);
    }) as typeof process.getBuiltinModule;
    try {
      return createNodeCompatAdapter({ ...specifics, isMainThread });
    } finally {
      process.getBuiltinModule = original;
    }
  }

  it("a runtime that says it is on a main thread gets thread 0, no worker data and no parent, without loading node:worker_threads (Bun: ~9 ms)", async () => {
    const adapter = await withoutWorkerThreads(() => true);
    expect([adapter.threadId, adapter.workerData, adapter.isWorkerThread]).toEqual([0, null, false]);
  });

  it("otherwise the thread is read from node:worker_threads", async () => {
    await expect(withoutWorkerThreads(() => false)).rejects.toThrow("node:worker_threads was loaded");
    const { createNodeCompatAdapter } = await import("../src/runtime/node-compat.ts");
    const { threadId, workerData } = process.getBuiltinModule("node:worker_threads");
    const adapter = createNodeCompatAdapter(specifics);
    expect([adapter.threadId, adapter.workerData, adapter.isWorkerThread]).toEqual([threadId, workerData, false]);
  });
});

describe("the adapter's clock", () => {
  it("reads milliseconds, in step with the wall clock, and never goes back", async () => {
    const { adapter } = await import("../src/runtime/index.ts");
    let last = adapter.now();
    for (let i = 0; i < 10_000; i++) {
      const t = adapter.now();
      expect(t >= last).toBe(true);
      last = t;
    }
    const [clock0, wall0] = [adapter.now(), Date.now()];
    await new Promise((resolve) => setTimeout(resolve, 60));
    const [clock, wall] = [adapter.now() - clock0, Date.now() - wall0];
    expect(clock).toBeGreaterThanOrEqual(50);
    // Both clocks measured the same wait: they differ by the wall clock's 1 ms steps, not by a unit.
    expect(Math.abs(clock - wall)).toBeLessThan(5);
  });

  // On Deno and Bun the clock is `performance.now()`, whose first call in a worker thread costs
  // them microseconds; only Node's loads modules on that first call, so only Node avoids it.
  it.skipIf(runtime.name !== "node")("on Node does not read performance.now() (its first call in a worker thread loads modules)", async () => {
    const { adapter } = await import("../src/runtime/index.ts");
    const original = Object.getOwnPropertyDescriptor(globalThis, "performance")!;
    Object.defineProperty(globalThis, "performance", {
      configurable: true,
      get() {
        throw new Error("performance was read");
      },
    });
    try {
      expect(typeof adapter.now()).toBe("number");
    } finally {
      Object.defineProperty(globalThis, "performance", original);
    }
  });
});
