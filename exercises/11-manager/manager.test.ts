import { type ContextName, Lock, Process, activeChildren } from "@multiproc/core";
import { Manager } from "@multiproc/ipc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addScore, addScores, collectAges, playTogether, record } from "./manager.ts";

/**
 * The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default.
 * This exercise declares only the process context: see its README.
 */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/** A manager for the tests that call the tasks here; collectAges and playTogether start their own. */
let manager: Manager;

beforeAll(async () => {
  manager = await Manager.start({ context });
});

afterAll(async () => {
  await manager?.shutdown();
});

/** How many manager servers (children named SyncManager-N) are running now. */
function managersRunning(): number {
  return activeChildren().filter((child) => child.name.startsWith("SyncManager-")).length;
}

describe("1. A shared dict and list", () => {
  it("record, called here, sets the age and logs it under this process's name", async () => {
    const ages = await manager.dict<string, number>();
    const log = await manager.list<string>();
    await record(ages, log, "Ada", 36);
    expect(await ages.copy()).toEqual(new Map([["Ada", 36]]));
    expect(await log.copy()).toEqual(["MainProcess added Ada"]);
  });

  it("collectAges: three children fill one dict and one list, and the manager is shut down", async () => {
    const people: [string, number][] = [["Ada", 36], ["Alan", 41], ["Grace", 85]];
    const before = managersRunning();
    const { ages, log } = await collectAges(people, context);
    expect(managersRunning(), "managers still running after collectAges returned").toBe(before);
    // Copies, not proxies: a Map and an array, still readable now that the manager is gone.
    expect(ages).toBeInstanceOf(Map);
    expect(ages).toEqual(new Map(people));
    expect(Array.isArray(log)).toBe(true);
    expect(log).toHaveLength(3);
    // Each line was written by a child: "Process-N added <name>", one line per person.
    for (const line of log) expect(line).toMatch(/^Process-\d+ added (Ada|Alan|Grace)$/);
    expect(log.map((line) => line.split(" added ")[1]).sort()).toEqual(["Ada", "Alan", "Grace"]);
    expect(new Set(log.map((line) => line.split(" ")[0])).size).toBe(3);
  });
});

describe("2. Values are copies", () => {
  it("addScore, called here, adds to an existing list and starts a new one", async () => {
    const scores = await manager.dict<string, number[]>({ Ada: [10] });
    await addScore(scores, "Ada", 20);
    await addScore(scores, "Alan", 5);
    expect(await scores.copy()).toEqual(new Map([["Ada", [10, 20]], ["Alan", [5]]]));
  });

  it("addScore in a child changes the manager's dict", async () => {
    const scores = await manager.dict<string, number[]>({ Ada: [10] });
    const child = new Process({ target: addScore, args: [scores, "Ada", 20], context });
    child.start();
    await child.join();
    expect(child.exitCode, "the child's exit code (1: addScore threw an error)").toBe(0);
    expect(await scores.get("Ada")).toEqual([10, 20]);
  });
});

describe("3. Guard the read-modify-write", () => {
  it("addScores waits for the lock before it reads", async () => {
    const scores = await manager.dict<string, number[]>({ Ada: [] });
    const lock = new Lock();
    await lock.acquire();
    const adding = addScores(scores, lock, "Ada", [5]); // it must wait: we hold the lock
    await scores.set("Ada", [100]); //                     while we hold it, we change the list
    await lock.release();
    await adding;
    // An addScore that read before taking the lock would have read [] and written [5].
    expect(await scores.get("Ada")).toEqual([100, 5]);
  });

  it("playTogether: two children add to one list, and no score is lost", async () => {
    expect(await playTogether([[3, 1, 2], [30, 10, 20]], context)).toEqual([1, 2, 3, 10, 20, 30]);
  });
});
