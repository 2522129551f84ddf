import { afterEach, describe, expect, it } from "vitest";
import { copyFixture, runCli, type Sandbox } from "./helpers.ts";

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
