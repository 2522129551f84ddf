import { describe, expect, it } from "vitest";
import {
  buildResults,
  type CaseOutcome,
  type Exercise,
  parseHints,
  parseJunit,
  parseTasks,
  parseTestFile,
  planRuns,
  type RunEnd,
  type RunnerReport,
  TRUNCATION_MARKER,
  truncateOutput,
  validateMeta,
} from "../src/index.ts";
import { schemaErrors } from "./helpers.ts";

const validMeta = {
  slug: "file-size",
  title: "File size",
  concepts: ["process"],
  difficulty: 2,
  order: 1,
  timeLimitSeconds: 30,
  runtimes: ["node", "deno", "bun"],
  contexts: ["process", "thread"],
  files: { stub: ["file-size.ts"], test: ["file-size.test.ts"] },
};

describe("exercise metadata", () => {
  it("accepts valid metadata whose slug and order match the folder", () => {
    expect(validateMeta(validMeta, "01-file-size")).toEqual([]);
  });

  it("names every invalid field at once", () => {
    const problems = validateMeta({ ...validMeta, title: "", difficulty: 11, runtimes: ["java"], contexts: ["fiber"], files: { stub: [], test: ["x.test.ts"] } }, "01-file-size");
    expect(problems.join("\n")).toMatch(/title/);
    expect(problems.join("\n")).toMatch(/difficulty/);
    expect(problems.join("\n")).toMatch(/runtimes/);
    expect(problems.join("\n")).toMatch(/contexts/);
    expect(problems.join("\n")).toMatch(/files\.stub/);
  });

  it("requires the slug and order to match the NN-slug folder", () => {
    expect(validateMeta(validMeta, "02-other").join("\n")).toMatch(/slug "file-size" does not match.*\n.*order 1 does not match/);
    expect(validateMeta(validMeta, "file-size")).toContainEqual(expect.stringMatching(/not of the form NN-slug/));
  });
});

describe("README tasks", () => {
  it("reads the numbered ## N. headings, ignoring code blocks", () => {
    const { tasks, problems } = parseTasks("# Homework\n\n## 1. Read the file\n\n```md\n## 9. not a task\n```\n\n## 2. Send the size\n");
    expect(tasks).toEqual([
      { id: 1, title: "Read the file" },
      { id: 2, title: "Send the size" },
    ]);
    expect(problems).toEqual([]);
  });

  it("reports a README without tasks or with tasks out of order", () => {
    expect(parseTasks("# T\n\nno tasks").problems).toEqual([expect.stringMatching(/no numbered tasks/)]);
    expect(parseTasks("# T\n## 1. a\n## 3. c\n").problems).toEqual([expect.stringMatching(/numbered 1, 2, 3/)]);
  });
});

describe("hints", () => {
  it("splits HINTS.md into its ## sections", () => {
    expect(parseHints("# Hints\nintro\n## First\nUse `stat`.\n\n## Second\nSend it.\n")).toEqual([
      { title: "First", body: "Use `stat`." },
      { title: "Second", body: "Send it." },
    ]);
  });
});

describe("reading a test file", () => {
  const source = [
    'import { describe, expect, it, test } from "vitest";',
    "const isBun = false;",
    'describe("1. Read the file", () => {',
    '  it("reads an empty file", async () => {',
    "    const size = 0;",
    "    expect(size).toBe(0);",
    "  });",
    '  it.skipIf(isBun)("reads a big file", () => expect(1).toBe(1));',
    '  describe("edge cases", () => {',
    '    test.each([1, 2])("reads %i bytes", (n) => {',
    "      expect(n).toBeGreaterThan(0);",
    "    });",
    "  });",
    "});",
    'it("is outside any task", () => {});',
  ].join("\n");

  it("finds the tests in file order with their describe path, line, body and task", () => {
    const tests = parseTestFile(source, "x.test.ts");
    expect(tests.map((t) => [t.describePath.join(" > "), t.name, t.line, t.taskId, t.each])).toEqual([
      ["1. Read the file", "reads an empty file", 4, 1, false],
      ["1. Read the file", "reads a big file", 8, 1, false],
      ["1. Read the file > edge cases", "reads %i bytes", 10, 1, true],
      ["", "is outside any task", 15, undefined, false],
    ]);
    expect(tests[0]?.code).toBe("const size = 0;\nexpect(size).toBe(0);");
    expect(tests[1]?.code).toBe("expect(1).toBe(1)");
  });
});

describe("output truncation", () => {
  it("keeps short output and removes colours", () => {
    expect(truncateOutput("\u001b[33m42\u001b[39m\n")).toBe("42\n");
  });

  it("cuts long output to 500 characters, marker included", () => {
    const cut = truncateOutput("x".repeat(2000));
    expect(cut.length).toBe(500);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
  });
});

describe("Bun's JUnit report", () => {
  it("reads nested suites, failures, skips and entities", () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="3">
  <testsuite name="a.test.ts" file="a.test.ts">
    <testsuite name="1. First &amp; only" file="a.test.ts" line="2">
      <testcase name="passes" classname="1. First" line="3" />
      <testcase name="fails" line="4">
        <failure type="AssertionError" message="Expected: 2&#10;Received: 1">AssertionError: stack</failure>
      </testcase>
    </testsuite>
    <testcase name="skipped &lt;one&gt;" line="6"><skipped /></testcase>
  </testsuite>
</testsuites>`;
    expect(parseJunit(xml)).toEqual([
      { path: ["1. First & only"], name: "passes", line: 3, status: "pass" },
      { path: ["1. First & only"], name: "fails", line: 4, status: "fail", message: "Expected: 2\nReceived: 1" },
      { path: [], name: "skipped <one>", line: 6, status: "skip" },
    ]);
  });

  it("refuses text that is not a JUnit report", () => {
    expect(() => parseJunit("(pass) everything")).toThrow(/not a JUnit report/);
  });
});

describe("building Exercism results", () => {
  const tests = parseTestFile(
    [
      'describe("1. Add", () => {',
      '  it("adds", () => { expect(add(1, 2)).toBe(3); });',
      '  it("adds negatives", () => { expect(add(-1, -2)).toBe(-3); });',
      "});",
      'describe("2. Sum", () => {',
      '  it.each([[1], [2]])("sums %i", (n) => { expect(sum([n])).toBe(n); });',
      "});",
    ].join("\n"),
    "add.test.ts",
  );
  const end: RunEnd = { timedOut: false, timeLimitSeconds: 3, processLimitHit: false, maxProcesses: 32, exitCode: 1, signal: null, stderr: "" };
  const c = (path: string[], name: string, status: CaseOutcome["status"], extra: Partial<CaseOutcome> = {}): CaseOutcome => ({ path, name, status, output: "", ...extra });

  it("puts tests in file order whatever order the runner reported them in, with task ids and messages", () => {
    const report: RunnerReport = {
      finished: true,
      loadErrors: [],
      otherErrors: [],
      cases: [
        c(["2. Sum"], "sums 2", "pass"),
        c(["1. Add"], "adds negatives", "fail", { message: "expected -1 to be -3", output: "trying\n" }),
        c(["1. Add"], "adds", "pass"),
        c(["2. Sum"], "sums 1", "pass"),
      ],
    };
    const results = buildResults(tests, report, end);
    expect(results.status).toBe("fail");
    expect(results.tests.map((t) => [t.name, t.status, t.task_id])).toEqual([
      ["adds", "pass", 1],
      ["adds negatives", "fail", 1],
      ["sums 2", "pass", 2],
      ["sums 1", "pass", 2],
    ]);
    expect(results.tests[1]).toEqual({ name: "adds negatives", status: "fail", message: "expected -1 to be -3", output: "trying\n", test_code: "expect(add(-1, -2)).toBe(-3);", task_id: 1 });
    expect(schemaErrors(results)).toEqual([]);
  });

  it("passes when every test passes, leaving skipped tests out", () => {
    const report: RunnerReport = {
      finished: true,
      loadErrors: [],
      otherErrors: [],
      cases: [c(["1. Add"], "adds", "pass"), c(["1. Add"], "adds negatives", "skip"), c(["2. Sum"], "sums 1", "pass")],
    };
    const results = buildResults(tests, report, end);
    expect(results).toMatchObject({ version: 3, status: "pass" });
    expect(results.tests.map((t) => t.name)).toEqual(["adds", "sums 1"]);
    expect("message" in results).toBe(false);
    expect(schemaErrors(results)).toEqual([]);
  });

  it("makes a timed-out run an error that says so, keeping the tests that finished", () => {
    const report: RunnerReport = { finished: false, loadErrors: [], otherErrors: [], cases: [c(["1. Add"], "adds", "pass")] };
    const results = buildResults(tests, report, { ...end, timedOut: true, exitCode: null, signal: "SIGKILL" });
    expect(results.status).toBe("error");
    expect(results.message).toMatch(/^timed out after 3 s/);
    expect(results.tests.map((t) => [t.name, t.status])).toEqual([
      ["adds", "pass"],
      ["adds negatives", "error"],
      ["sums %i", "error"],
    ]);
    expect(results.tests[1]?.message).toBe("did not finish: timed out after 3 s");
    expect(schemaErrors(results)).toEqual([]);
  });

  it("makes a run that ended without its report an error, never a pass", () => {
    const report: RunnerReport = { finished: false, loadErrors: [], otherErrors: [], cases: [c(["1. Add"], "adds", "pass")] };
    const results = buildResults(tests, report, { ...end, exitCode: 0 });
    expect(results.status).toBe("error");
    expect(results.message).toMatch(/exited with code 0\. Did the code call process\.exit\(\)/);
    expect(schemaErrors(results)).toEqual([]);
  });

  it("makes a test file that does not load an error with the loader's message", () => {
    const report: RunnerReport = { finished: true, loadErrors: ["SyntaxError: Unexpected token ';' in add.ts"], otherErrors: [], cases: [] };
    const results = buildResults(tests, report, end);
    expect(results.status).toBe("error");
    expect(results.message).toMatch(/failed to load:\n\nSyntaxError: Unexpected token/);
    expect(results.tests.every((t) => t.status === "error")).toBe(true);
    expect(schemaErrors(results)).toEqual([]);
  });
});

describe("planning runs", () => {
  const ex = (contexts: string[], runtimes = ["node", "deno", "bun"]) =>
    ({ folder: "01-x", meta: { ...validMeta, contexts, runtimes } }) as unknown as Exercise;

  it("defaults to the process context when the exercise has it, and to one run without contexts", () => {
    expect(planRuns([ex(["thread", "process"])], "node", undefined, "learner").map((p) => p.context)).toEqual(["process"]);
    expect(planRuns([ex(["thread"])], "node", undefined, "learner").map((p) => p.context)).toEqual(["thread"]);
    expect(planRuns([ex([])], "node", "all", "learner").map((p) => p.context)).toEqual([undefined]);
  });

  it("expands all runtimes and contexts the exercise declares, and only those", () => {
    const plans = planRuns([ex(["process", "thread"], ["node", "bun"])], "all", "all", "solution");
    expect(plans.map((p) => `${p.runtime}-${p.context}`)).toEqual(["node-process", "node-thread", "bun-process", "bun-thread"]);
    expect(planRuns([ex([], ["node"])], "deno", undefined, "learner")).toEqual([]);
  });
});

describe("the results schema", () => {
  const ok = { version: 3, status: "fail", tests: [{ name: "adds", status: "fail", message: "expected 1 to be 2", test_code: "expect(1).toBe(2)", task_id: 1 }] };

  it("accepts a well-formed file", () => {
    expect(schemaErrors(ok)).toEqual([]);
  });

  it("rejects files that break the format", () => {
    expect(schemaErrors({ ...ok, version: 2 })).not.toEqual([]);
    expect(schemaErrors({ version: 3, status: "error", tests: [] })).not.toEqual([]); // error needs a message
    expect(schemaErrors({ ...ok, status: "pass" })).not.toEqual([]); // pass with a failing test
    expect(schemaErrors({ ...ok, message: "only with error" })).not.toEqual([]);
    expect(schemaErrors({ ...ok, tests: [{ ...ok.tests[0], output: "x".repeat(501) }] })).not.toEqual([]);
    expect(schemaErrors({ ...ok, tests: [{ ...ok.tests[0], message: undefined }] })).not.toEqual([]); // fail needs a message
    expect(schemaErrors({ ...ok, tests: [{ ...ok.tests[0], task_id: 0 }] })).not.toEqual([]);
  });
});
