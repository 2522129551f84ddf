import { afterEach, describe, expect, it } from "vitest";
import { copyFixture, runCli, type Sandbox } from "./helpers.ts";
import type { RunOutcome, RunPlan } from "../src/grade.ts";
import { retryCrashedRuns, runProblem, runtimeCrash } from "../src/verify.ts";

const SLOW = 240_000;
let box: Sandbox | undefined;
afterEach(() => {
  box?.remove();
  box = undefined;
});

describe("verify", () => {
  it(
    "passes a sound course: every solution passes and every stub fails, on every runtime and context",
    async () => {
      box = copyFixture("course");
      const r = await runCli(["verify", "--root", box.root], box.tmp);
      expect(r.stdout).toContain("verify: OK — 2 exercises, 18 runs");
      expect(r.code).toBe(0);
      // Both directions were run: 9 solution runs and 9 stub runs.
      expect(r.stderr.match(/ · solution +✓ pass/g)?.length).toBe(9);
      expect(r.stderr.match(/^ +\[ ?\d+\/18\] \S+ · [a-z-]+ +✗ fail/gm)?.length).toBe(9);
    },
    SLOW,
  );

  it(
    "lists every problem of a broken course and exits 1",
    async () => {
      box = copyFixture("broken");
      const r = await runCli(["verify", "--root", box.root], box.tmp);
      expect(r.code).toBe(1);
      const problems = [
        '01-twice, 02-twice: the slug "twice" is used by 2 exercises; slugs must be unique',
        "02-twice: the untouched stub on node passes every test",
        "03-wrong-solution: the solution on node does not pass (0/1): \"is 42\": expected 41 to be 42",
        "04-no-readme: README.md is missing",
        "05-no-solution: no reference solution: solutions/05-no-solution/ is missing",
        '06-untasked: test value.spec.ts:10 "is still 42 outside any task" is not inside a numbered describe("N. …") block',
        '06-untasked: README task 2 ("Another task") has no tests',
      ];
      for (const p of problems) expect(r.stdout).toContain(p);
      expect(r.stdout).toContain(`verify: ${problems.length} problems:`);
    },
    SLOW,
  );
});

describe("runs whose runtime crashed", () => {
  const plan = (variant: "solution" | "learner") =>
    ({ exercise: { folder: "07-demo" }, runtime: "node", context: "thread", variant }) as unknown as RunPlan;
  const outcome = (p: RunPlan, status: "pass" | "fail" | "error", message?: string): RunOutcome => ({
    plan: p,
    results: { version: 3, status, ...(message === undefined ? {} : { message }), tests: [{ name: "t", status: status === "error" ? "error" : status, test_code: "" }] },
    passed: status === "pass" ? 1 : 0,
    total: 1,
    durationMs: 1,
    leftoversKilled: 0,
  });
  const crashed = "the test run ended before it reported its results: the test process was killed by SIGTRAP.\n\n# Fatal error in , line 0\n# Check failed: (location_) != nullptr.";

  it("runtimeCrash tells a crash of the runtime from a failed test or a timeout", () => {
    expect(runtimeCrash(outcome(plan("solution"), "error", crashed))).toBe("killed by SIGTRAP");
    expect(runtimeCrash(outcome(plan("solution"), "error", "Worker exited unexpectedly with signal SIGSEGV"))).toBe("with signal SIGSEGV");
    expect(runtimeCrash(outcome(plan("solution"), "error", "timed out after 60 s: the tests did not finish"))).toBeUndefined();
    expect(runtimeCrash(outcome(plan("solution"), "fail"))).toBeUndefined();
    expect(runtimeCrash(outcome(plan("solution"), "pass"))).toBeUndefined();
  });

  it("retryCrashedRuns makes a crashed run once more, keeps the second outcome, and says so", async () => {
    const outcomes = [outcome(plan("solution"), "error", crashed), outcome(plan("learner"), "fail"), outcome(plan("solution"), "fail")];
    const made: RunPlan[] = [];
    const retried = await retryCrashedRuns(outcomes, async (p) => {
      made.push(p);
      return outcome(p, "pass");
    });
    expect(made).toEqual([outcomes[0]!.plan]);
    expect(outcomes[0]!.results.status).toBe("pass");
    expect(outcomes[2]!.results.status).toBe("fail"); // a plain failure is not made again
    expect(retried).toEqual(["07-demo: the solution on node-thread: the runtime crashed (killed by SIGTRAP); made again: fine"]);
  });

  it("a run that crashes twice keeps its problem", async () => {
    const outcomes = [outcome(plan("learner"), "error", crashed)];
    const retried = await retryCrashedRuns(outcomes, async (p) => outcome(p, "error", crashed));
    expect(retried[0]).toContain("made again: still wrong");
    expect(runProblem(outcomes[0]!)).toContain("07-demo: the untouched stub on node-thread must load and fail a test");
  });
});
