import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture, readResults, runCli, type Sandbox, schemaErrors, survivors } from "./helpers.ts";

// Hostile learner code (test/fixtures/sandbox) graded on each runtime: an endless loop,
// process.exit(0) mid-tests, a fork storm, a crash, fake reporter output and fake result files,
// a child left running, and reads/writes outside the exercise. Each must give fail/error (never a
// hang or a false pass) and leave no process behind. Finding leftover processes reads /proc, so
// these tests need Linux.
const onLinux = process.platform === "linux";
const SLOW = 240_000;

interface Results {
  status: string;
  message?: string;
  tests: Array<{ name: string; status: string; message?: string; output?: string }>;
}

for (const runtime of ["node", "deno", "bun"] as const) {
  describe.skipIf(!onLinux)(`sandbox on ${runtime}`, () => {
    let box: Sandbox;
    let out: string;
    let code: number | null;
    let home: string;
    const results = (slug: string) => readResults(out, slug, slug === "fork-storm" || slug === "orphan" ? `${runtime}-process` : runtime) as Results;

    beforeAll(async () => {
      box = copyFixture("sandbox");
      out = join(box.tmp, "..", "json");
      // The learner's $HOME: a private folder with a file the learner's code must not read.
      home = join(box.tmp, "..", "home");
      mkdirSync(home);
      writeFileSync(join(home, "secret.txt"), "TOP-SECRET");
      code = (await runCli(["grade", "--runtime", runtime, "--json", out, "--root", box.root], box.tmp, { HOME: home })).code;
    }, SLOW);
    afterAll(() => box.remove());

    it("writes valid results for every exercise and leaves no process and no scratch directory behind", () => {
      expect(code).toBe(0);
      for (const slug of ["endless-loop", "exit-early", "fork-storm", "crash", "forged-results", "orphan", "permissions"]) expect(schemaErrors(results(slug)), slug).toEqual([]);
      expect(survivors(box.tmp)).toEqual([]);
      expect(readdirSync(box.tmp).filter((d) => d.startsWith("multiproc-grade-"))).toEqual([]);
    });

    it("stops an endless loop at the time limit: error, timed out after 4 s", () => {
      const r = results("endless-loop");
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/^timed out after 4 s/);
      expect(r.tests.map((t) => t.status)).toEqual(["error", "error"]);
    });

    it("does not count process.exit(0) in the middle of the tests as a pass", () => {
      const r = results("exit-early");
      expect(r.status).not.toBe("pass");
      expect(r.tests.filter((t) => t.status === "pass")).toEqual([]);
    });

    it("stops a fork storm: error, more than 8 processes", () => {
      const r = results("fork-storm");
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/more than 8 processes were running at once/);
    });

    it("reports a killed test process as an error, not a pass", () => {
      const r = results("crash");
      expect(r.status).toBe("error");
      expect(r.tests.filter((t) => t.status === "pass")).toEqual([]);
    });

    it("ignores fake reporter output and fake result files: the wrong answer fails", () => {
      const r = results("forged-results");
      expect(r.status).toBe("fail");
      expect(r.tests.map((t) => t.status)).toEqual(["fail", "fail"]);
      expect(r.tests[0]?.message).toMatch(/42/);
    });

    it("passes correct code that leaves a detached child running, and kills that child", () => {
      expect(results("orphan").status).toBe("pass");
      expect(survivors(box.tmp)).toEqual([]);
    });

    // Node (--permission on the test worker) and Deno (--allow-read/--allow-write lists) confine
    // the learner's code to the exercise copy and the run's TMPDIR.
    it.skipIf(runtime === "bun")("confines the learner's code: it can neither read nor write outside the exercise", () => {
      const r = results("permissions");
      expect(r.status).toBe("pass");
      expect(r.tests[0]?.output).toMatch(/read denied/);
      expect(r.tests[0]?.output).toMatch(/write denied/);
      expect(r.tests[0]?.output).not.toContain("TOP-SECRET");
      expect(existsSync(join(home, `escaped-${runtime}.txt`))).toBe(false);
    });

    // Bun has no permission model: this documents the limit (see src/runners/bun.ts and the README).
    it.skipIf(runtime !== "bun")("cannot confine the learner's code under Bun (no permission model)", () => {
      const r = results("permissions");
      expect(r.status).toBe("pass");
      expect(r.tests[0]?.output).toContain("read: TOP-SECRET");
      expect(existsSync(join(home, "escaped-bun.txt"))).toBe(true);
    });
  });
}
