import { type ContextName } from "@multiproc/core";
import { describe, expect, it } from "vitest";
import { familyOf, identityOfChild, whoAmI } from "./identity.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";


describe("1. Who am I?", () => {
  it("in the program itself, whoAmI() is MainProcess, with this pid and no parent", () => {
    const me = whoAmI();
    expect(me.name).toBe("MainProcess");
    expect(me.pid).toBe(process.pid);
    expect(me.parentName).toBeNull();
    expect(me.parentPid).toBeNull();
  });
});

describe("2. Ask a child", () => {
  it("the child reports the name it was given and its parent", async () => {
    const child = await identityOfChild("scout", context);
    expect(child.name).toBe("scout");
    expect(child.parentName).toBe("MainProcess");
    expect(child.parentPid).toBe(process.pid);
  });

  it("the child's pid: its own in the process context; the parent's, with its own thread id, in the thread context", async () => {
    const me = whoAmI();
    const child = await identityOfChild("scout", context);
    if (context === "process") {
      expect(child.pid).not.toBe(process.pid);
    } else {
      expect(child.pid).toBe(process.pid);
      expect(child.threadId).toBeGreaterThan(0);
      expect(child.threadId).not.toBe(me.threadId);
    }
  });

  it("two children are told apart", async () => {
    const [a, b] = await Promise.all([identityOfChild("a", context), identityOfChild("b", context)]);
    expect([a.name, b.name]).toEqual(["a", "b"]);
    if (context === "process") expect(a.pid).not.toBe(b.pid);
    else expect(a.threadId).not.toBe(b.threadId);
  });
});

describe("3. Three generations", () => {
  it("the grandchild's parent is the child, whose parent is the main process", async () => {
    const { child, grandchild } = await familyOf(context);
    expect(child.parentName).toBe("MainProcess");
    expect(child.parentPid).toBe(process.pid);
    expect(grandchild.parentName).toBe(child.name);
    expect(grandchild.parentPid).toBe(child.pid);
    expect(grandchild.name).not.toBe(child.name);
  });

  it("a grandchild's default name extends its parent's (Process-1 → Process-1:1)", async () => {
    const { child, grandchild } = await familyOf(context);
    expect(grandchild.name.startsWith(`${child.name}:`)).toBe(true);
  });

  it("pids across three generations: all different as processes, all the same as threads", async () => {
    const { child, grandchild } = await familyOf(context);
    if (context === "process") {
      expect(new Set([process.pid, child.pid, grandchild.pid]).size).toBe(3);
    } else {
      expect([child.pid, grandchild.pid]).toEqual([process.pid, process.pid]);
      expect(grandchild.threadId).not.toBe(child.threadId);
    }
  });
});
