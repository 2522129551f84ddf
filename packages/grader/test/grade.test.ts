import { readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyFixture, copySolutionsOverStubs, readResults, runCli, type Sandbox, schemaErrors } from "./helpers.ts";

// These tests run the grader's CLI with the workspace's Node (as `pnpm grade` does), whichever
// runtime runs the test file, on a private copy of the fixture course (test/fixtures/course:
// 01-add, plain functions on node/deno/bun; 02-sum-in-child, process and thread contexts).
const SLOW = 180_000;
let box: Sandbox | undefined;
afterEach(() => {
  box?.remove();
  box = undefined;
});

interface Results {
  status: string;
  message?: string;
  tests: Array<{ name: string; status: string; message?: string; output?: string; test_code: string; task_id?: number }>;
}

describe("grade", () => {
  it(
    "grades an exercise folder reached through a symbolic link without writing into the real folder",
    async () => {
      box = copyFixture("course");
      // The course's exercise is a link to a folder elsewhere (as an author's scratch course is).
      const real = join(box.tmp, "real-01-add");
      renameSync(join(box.root, "exercises", "01-add"), real);
      symlinkSync(real, join(box.root, "exercises", "01-add"));
      const before = readdirSync(real).sort();
      const r = await runCli(["verify", "--root", box.root, "--runtime", "node"], box.tmp);
      expect(r.stderr).toMatch(/01-add · node · solution +✓ pass/);
      expect(r.stderr).toMatch(/01-add · node +✗ fail/);
      expect(readdirSync(real).sort()).toEqual(before);
      expect(readFileSync(join(real, "add.ts"), "utf8")).toContain("TODO");
    },
    SLOW,
  );

  it(
    "shows the whole course pending on a fresh copy, with the next exercise and its first failing test",
    async () => {
      box = copyFixture("course");
      const r = await runCli(["grade", "--root", box.root], box.tmp);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/Add two numbers \(add\)\s+✗ pending 0\/4/);
      expect(r.stdout).toMatch(/Sum in a child \(sum-in-child\)\s+✗ pending 0\/3/);
      expect(r.stdout).toContain("0 of 2 done.");
      expect(r.stdout).toContain("Next: 01-add — Add two numbers");
      expect(r.stdout).toMatch(/first failing test \(node\): task 1 › adds two positive numbers\n\s+TODO: add\(2, 3\) is not written yet/);
      // Progress goes to stderr, one line per run.
      expect(r.stderr).toMatch(/\[[12]\/2\] .*01-add · node/);
      expect(r.stderr).toMatch(/\[[12]\/2\] .*02-sum-in-child · node-process/);
    },
    SLOW,
  );

  it(
    "shows one exercise with every failing test's message and the learner's output",
    async () => {
      box = copyFixture("course");
      const r = await runCli(["grade", "add", "--root", box.root], box.tmp);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("01-add · node: ✗ fail, 0/4 tests passed");
      expect(r.stdout).toContain("Task 2: Add a list");
      for (const m of ["TODO: add(2, 3)", "TODO: add(-2, -3)", "TODO: sum() of 3 numbers", "TODO: sum() of 0 numbers"]) expect(r.stdout).toContain(m);
      expect(r.stdout).toMatch(/your output:\n\s+│ adding \[ 1, 2, 3 \]/);
    },
    SLOW,
  );

  it(
    "passes everything on every runtime and context once the solutions are copied over the stubs",
    async () => {
      box = copyFixture("course");
      copySolutionsOverStubs(box.root);
      const r = await runCli(["grade", "--runtime", "all", "--context", "all", "--root", box.root], box.tmp);
      expect(r.stdout).toContain("2 of 2 done.");
      expect(r.stdout).toMatch(/Sum in a child \(sum-in-child\)\s+✓ done 6\/6 .*\(process\+thread\)\s+✓ done 6\/6 .*✓ done 6\/6/);
      expect(r.code).toBe(0);
    },
    SLOW,
  );

  it(
    "writes one valid Exercism results.json per exercise, runtime and context with --json, and exits 0",
    async () => {
      box = copyFixture("course");
      const out = join(box.tmp, "..", "json");
      const r = await runCli(["grade", "--runtime", "all", "--context", "all", "--json", out, "--root", box.root], box.tmp);
      expect(r.code).toBe(0);
      expect(readdirSync(join(out, "add")).sort()).toEqual(["bun", "deno", "node"]);
      expect(readdirSync(join(out, "sum-in-child")).sort()).toEqual(["bun-process", "bun-thread", "deno-process", "deno-thread", "node-process", "node-thread"]);
      for (const [slug, labels] of [["add", ["node", "deno", "bun"]], ["sum-in-child", ["node-process", "deno-thread", "bun-process"]]] as const) {
        for (const label of labels) {
          const results = readResults(out, slug, label) as Results;
          expect(schemaErrors(results), `${slug}/${label}`).toEqual([]);
          expect(results.status).toBe("fail");
        }
      }
      const add = readResults(out, "add", "deno") as Results;
      expect(add.tests.map((t) => [t.name, t.status, t.task_id])).toEqual([
        ["adds two positive numbers", "fail", 1],
        ["adds negative numbers", "fail", 1],
        ["adds a list", "fail", 2],
        ["gives 0 for an empty list", "fail", 2],
      ]);
      expect(add.tests[0]).toMatchObject({ message: "TODO: add(2, 3) is not written yet", test_code: "expect(add(2, 3)).toBe(5);" });
      expect((readResults(out, "add", "bun") as Results).tests[2]?.output).toBe("adding [ 1, 2, 3 ]\n");
      expect((readResults(out, "add", "node") as Results).tests[2]?.output).toBe("adding [ 1, 2, 3 ]\n");
    },
    SLOW,
  );

  it(
    "reports a stub that does not compile as an error with the loader's message, and cuts long output",
    async () => {
      box = copyFixture("course");
      const dir = join(box.root, "exercises", "01-add");
      writeFileSync(join(dir, "add.ts"), "export function add(a: number, b: number): number {\n  return a + ;\n}\nexport function sum(n: number[]): number { return 0; }\n");
      const out = join(box.tmp, "..", "json");
      const broken = await runCli(["grade", "add", "--runtime", "all", "--json", out, "--root", box.root], box.tmp);
      expect(broken.code).toBe(0);
      for (const label of ["node", "deno", "bun"]) {
        const results = readResults(out, "add", label) as Results;
        expect(schemaErrors(results), label).toEqual([]);
        expect(results.status, label).toBe("error");
        expect(results.message, label).toMatch(/add\.ts/);
        expect(results.message, label).not.toContain(box.tmp); // scratch paths are made relative
      }

      writeFileSync(join(dir, "add.ts"), `${readFileSync(join(box.root, "solutions", "01-add", "add.ts"), "utf8")}\nconsole.log("${"y".repeat(900)}");\n`);
      writeFileSync(join(dir, "add.ts"), readFileSync(join(dir, "add.ts"), "utf8").replace("return a + b;", 'console.log("z".repeat(2000));\n  return a + b;'));
      await runCli(["grade", "add", "--runtime", "all", "--json", out, "--root", box.root], box.tmp);
      for (const label of ["node", "deno", "bun"]) {
        const results = readResults(out, "add", label) as Results;
        expect(results.status, label).toBe("pass");
        const output = results.tests[0]?.output ?? "";
        expect(output.length, label).toBe(500);
        expect(output.endsWith("[Output was truncated. Please limit to 500 chars]"), label).toBe(true);
      }
    },
    SLOW,
  );

  it("explains usage mistakes and unknown exercises with exit code 2", async () => {
    box = copyFixture("course");
    const badRuntime = await runCli(["grade", "--runtime", "java", "--root", box.root], box.tmp);
    expect(badRuntime.code).toBe(2);
    expect(badRuntime.stderr).toContain("--runtime must be one of node, deno, bun, all");
    const unknown = await runCli(["grade", "addd", "--root", box.root], box.tmp);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no exercise "addd". Known exercises: add, sum-in-child.');
    const help = await runCli(["--help"], box.tmp);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("hint <slug> [--reset]");
  });
});

describe("hint", () => {
  it("shows the next unseen hint each time and remembers it in .grader-results/", async () => {
    box = copyFixture("course");
    const first = await runCli(["hint", "add", "--root", box.root], box.tmp);
    expect(first.stdout).toMatch(/^Hint 1 of 2 for Add two numbers: The operator\n\nJavaScript adds numbers with `\+`\./);
    const second = await runCli(["hint", "add", "--root", box.root], box.tmp);
    expect(second.stdout).toMatch(/^Hint 2 of 2 for Add two numbers: A list/);
    const third = await runCli(["hint", "add", "--root", box.root], box.tmp);
    expect(third.stdout).toContain("You have seen all 2 hints");
    expect(JSON.parse(readFileSync(join(box.root, ".grader-results", "hints.json"), "utf8"))).toEqual({ add: 2 });
    const reset = await runCli(["hint", "add", "--reset", "--root", box.root], box.tmp);
    expect(reset.stdout).toMatch(/^Hint 1 of 2/);
  });
});
