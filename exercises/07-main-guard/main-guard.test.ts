import { type ContextName, Process } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadedIn, main, mainRuns, type Report, report } from "./main-guard.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/** `mainRuns` right after this file imported main-guard.ts, before any test called `main`. */
const mainRunsAtImport = mainRuns;

/**
 * Task 3 runs main-guard.ts as a program of its own. The grader lets only its `process`-context
 * runs start programs (Node's permission model without --allow-child-process, and Deno without
 * --allow-run, in the `thread`-context runs), so those tests run there — once with children as
 * processes and once with children as threads.
 */
const canStartPrograms = context === "process";

/** Calls `make` the first time it is called, and returns that same promise every time. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= make());
}

/**
 * Runs main-guard.ts as a program, the way you would from a terminal (`node main-guard.ts
 * <childContext>`, `deno run … main-guard.ts …`, `bun main-guard.ts …`) with the runtime running
 * these tests, and returns what it printed and its exit code.
 */
function runProgram(childContext: ContextName): { lines: string[]; status: number | null; stderr: string } {
  const file = fileURLToPath(new URL("./main-guard.ts", import.meta.url));
  const runtimeArgs =
    "Deno" in globalThis
      ? ["run", "--allow-read", "--allow-write", "--allow-net", "--allow-env", "--allow-sys", `--allow-run=${process.execPath}`, "--no-lock", "--quiet"]
      : [];
  const result = spawnSync(process.execPath, [...runtimeArgs, file, childContext], { encoding: "utf8", timeout: 30_000 });
  if (result.error !== undefined) throw result.error;
  const lines = result.stdout.split("\n").filter((line) => line.trim() !== "");
  return { lines, status: result.status, stderr: result.stderr };
}

/** What the program prints (task 3). */
const programOutput = ["main runs in MainProcess", "Process-1 loaded the file in Process-1", "Process-2 loaded the file in Process-2"];

describe("1. Top-level code runs again in every child", () => {
  it("here, the file was loaded by the main process", () => {
    expect(loadedIn).toBe("MainProcess");
  });

  it("report, called here, reports this process", async () => {
    const out = new Queue<Report>();
    await report(out);
    expect(await out.get({ timeout: 5_000 })).toEqual({ loadedIn: "MainProcess", runningIn: "MainProcess" });
  });

  it("in a child, the file was loaded again: by the child", async () => {
    const out = new Queue<Report>();
    const child = new Process({ target: report, args: [out], name: "reporter", context });
    child.start();
    await child.join();
    expect(child.exitCode).toBe(0);
    // The child has ended, so what it put has arrived.
    expect(await out.get({ timeout: 5_000 })).toEqual({ loadedIn: "reporter", runningIn: "reporter" });
  });
});

describe("2. The program's work", () => {
  const run = once(async () => {
    const before = mainRuns;
    const reports = await main(context, 2);
    return { reports, runsAdded: mainRuns - before };
  });

  it("main returns one report per child, from two different children, sorted by name", async () => {
    const { reports } = await run();
    const names = reports.map((r) => r.runningIn);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(names).toEqual([...names].sort());
  });

  it("each child loaded the file itself", async () => {
    const { reports } = await run();
    for (const r of reports) {
      expect(r.runningIn).not.toBe("MainProcess");
      expect(r.loadedIn).toBe(r.runningIn);
    }
  });

  it("main counts its runs in mainRuns", async () => {
    const { runsAdded } = await run();
    expect(runsAdded).toBe(1);
  });
});

describe("3. The guard", () => {
  it("importing main-guard.ts (as these tests do, and as every child does) does not run main", () => {
    expect(mainRunsAtImport).toBe(0);
  });

  it.skipIf(!canStartPrograms)("run as a program with child processes: main runs once, in MainProcess, and each child loads the file", () => {
    const { lines, status, stderr } = runProgram("process");
    expect(status, `the program failed; it printed on stderr:\n${stderr}`).toBe(0);
    expect(lines).toEqual(programOutput);
  });

  it.skipIf(!canStartPrograms)("run as a program with child threads: the same", () => {
    const { lines, status, stderr } = runProgram("thread");
    expect(status, `the program failed; it printed on stderr:\n${stderr}`).toBe(0);
    expect(lines).toEqual(programOutput);
  });
});
