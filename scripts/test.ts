/**
 * The one test command: runs every package's tests under Node (vitest), Deno (vitest's CLI run
 * by `deno`) and Bun (`bun test`), then the course self-check and the type check, and prints a
 * summary line per step. The `package` step packs every package and imports its built output
 * under Node. Exits non-zero if any step fails or if a runtime ran zero tests.
 *
 * Usage: `pnpm test [--only node,deno,bun,verify,types,package,docs] [vitest file filters…]`
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const argv = process.argv.slice(2);
const onlyAt = argv.indexOf("--only");
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? "").split(",")) : undefined;
const filters = argv.filter((a, i) => i !== onlyAt && i !== onlyAt + 1);
const scratch = mkdtempSync(join(tmpdir(), "multiproc-test-"));

interface StepResult {
  name: string;
  ok: boolean;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
  note?: string;
  /** The failed tests: where, and the first lines of why (printed again under the summary). */
  failures?: string[];
}

/** The first lines of a failure message, on one line each, so that a CI log's tail shows them. */
function brief(message: string): string {
  return message
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l && !l.includes("node_modules"))
    .slice(0, 6)
    .map((l) => `      ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`)
    .join("\n");
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): { status: number; seconds: number; output: string } {
  const started = performance.now();
  console.log(`\n$ ${[cmd, ...args].join(" ")}`);
  // The output is passed through as it comes, and kept (see `crashedRuntime`).
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["inherit", "pipe", "pipe"], env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  const output = `${r.stdout?.toString() ?? ""}${r.stderr?.toString() ?? ""}`;
  process.stdout.write(r.stdout ?? "");
  process.stderr.write(r.stderr ?? "");
  const seconds = (performance.now() - started) / 1000;
  if (r.error) {
    console.error(`could not start ${cmd}: ${r.error.message}`);
    return { status: 127, seconds, output };
  }
  return { status: r.status ?? 1, seconds, output };
}

/** A command's output without its terminal colour codes. */
function withoutColours(output: string): string {
  // eslint-disable-next-line no-control-regex
  return output.replace(/\x1b\[[0-9;]*m/g, "");
}

/**
 * The test file during which the runtime itself crashed (a V8 fatal error ends vitest's worker
 * with SIGTRAP), if that is why the run failed. Seen on Node 24.21 about once in 20 runs of
 * `packages/ipc/test/queue.test.ts` under load, on this session's code and on the code before it:
 * "Check failed: (location_) != nullptr" in V8's `AsyncModuleExecutionFulfilled` (as in
 * nodejs/node#53238). It is not a failed assertion, and it is not reproduced outside vitest (900
 * terminations of threads waiting on a queue by hand); the step is run once more, and says so.
 */
function crashedRuntime(output: string): string | undefined {
  const plain = withoutColours(output);
  return /Worker exited unexpectedly with signal (SIGTRAP|SIGSEGV|SIGILL) during \S+ state while running test file (\S+)/.exec(plain)?.slice(1).join(" in ");
}

/** Vitest's JSON report: the counts we need. */
interface VitestReport {
  testResults?: Array<{
    name: string;
    message?: string;
    assertionResults?: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
  }>;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

function vitestStep(name: "node" | "deno", retried?: string): StepResult {
  const out = join(scratch, `${name}.json`);
  const vitestCli = join(root, "node_modules", "vitest", "vitest.mjs");
  const common = ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...filters];
  const { status, seconds, output } =
    name === "node"
      ? run(bin("node"), [vitestCli, ...common], { MULTIPROC_EXPECT_RUNTIME: "node" })
      : run(bin("deno"), ["run", "-A", "--no-lock", vitestCli, ...common], { MULTIPROC_EXPECT_RUNTIME: "deno" });
  const note = retried === undefined ? undefined : `run twice: the first run's runtime crashed (${retried})`;
  if (!existsSync(out)) return { name, ok: false, passed: 0, failed: 0, skipped: 0, seconds, note: note ?? "no report written" };
  const report = JSON.parse(readFileSync(out, "utf8")) as VitestReport;
  const passed = report.numPassedTests;
  const failed = report.numFailedTests;
  const crash = crashedRuntime(output);
  if (status !== 0 && failed === 0 && crash !== undefined && retried === undefined) {
    console.log(`\n${name}: the runtime crashed (${crash}) with no failed test; running the step once more`);
    return vitestStep(name, crash);
  }
  const skipped = report.numPendingTests + report.numTodoTests;
  const failures: string[] = [];
  for (const file of report.testResults ?? []) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length) : file.name;
    for (const t of file.assertionResults ?? []) {
      if (t.status === "failed") failures.push(`${where} › ${t.fullName}\n${brief((t.failureMessages ?? []).join("\n"))}`);
    }
    if (file.message && !(file.assertionResults ?? []).some((t) => t.status === "failed")) failures.push(`${where}\n${brief(file.message)}`);
  }
  return { name, ok: status === 0 && failed === 0 && passed > 0, passed, failed, skipped, seconds, failures, ...(note === undefined ? {} : { note }) };
}

function testFiles(): string[] {
  const r = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "packages/*/test/*.test.ts", "packages/*/test/**/*.test.ts", "bench/*.test.ts"], {
    cwd: root,
    encoding: "utf8",
  });
  const files = [...new Set((r.stdout ?? "").split("\n").filter(Boolean))].filter((f) => existsSync(join(root, f)));
  return filters.length > 0 ? files.filter((f) => filters.some((flt) => f.includes(flt))) : files;
}

function bunStep(): StepResult {
  const junit = join(scratch, "bun.xml");
  const files = testFiles().map((f) => `./${f}`);
  const { status, seconds } = run(bin("bun"), ["test", "--timeout=60000", "--reporter=junit", `--reporter-outfile=${junit}`, ...files], {
    MULTIPROC_EXPECT_RUNTIME: "bun",
  });
  if (!existsSync(junit)) return { name: "bun", ok: false, passed: 0, failed: 0, skipped: 0, seconds, note: "no report written" };
  const xml = readFileSync(junit, "utf8");
  const head = /<testsuites[^>]*>/.exec(xml)?.[0] ?? "";
  const attr = (k: string) => Number(new RegExp(`\\b${k}="(\\d+)"`).exec(head)?.[1] ?? 0);
  const total = attr("tests");
  const failed = attr("failures") + attr("errors");
  const skipped = attr("skipped");
  const passed = total - failed - skipped;
  const unescape = (x: string) =>
    x.replace(/&#10;/g, "\n").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const failures: string[] = [];
  for (const m of xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"[^>]*?file="([^"]*)"[^>]*>\s*<(?:failure|error)[^>]*?message="([^"]*)"/g)) {
    failures.push(`${m[3]} › ${unescape(m[2] ?? "")} › ${unescape(m[1] ?? "")}\n${brief(unescape(m[4] ?? ""))}`);
  }
  return { name: "bun", ok: status === 0 && failed === 0 && passed > 0, passed, failed, skipped, seconds, failures };
}

function commandStep(name: string, cmd: string, args: string[]): StepResult {
  const { status, seconds, output } = run(cmd, args);
  const ok = status === 0;
  return { name, ok, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0, seconds, ...(ok ? {} : { failures: [whyCommandFailed(output)] }) };
}

/**
 * Why a command step failed, for the summary at the end of the log (a CI log may keep only its
 * tail): the problem list of `verify` ("verify: N problems:" and the lines after it) if there is
 * one, else the command's last lines.
 */
function whyCommandFailed(output: string): string {
  const lines = withoutColours(output).split("\n").map((l) => l.trimEnd()).filter(Boolean);
  const at = lines.findIndex((l) => /^verify: \d+ problems?:$/.test(l));
  const picked = at >= 0 ? lines.slice(at, at + 21) : lines.slice(-12);
  return picked.map((l) => `      ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`).join("\n");
}

/** API docs build with no warning, and every lesson's example compiles and runs, every link resolves. */
function docsStep(): StepResult {
  const api = commandStep("docs", bin("typedoc"), []);
  if (!api.ok) return api;
  const lessons = commandStep("docs", bin("node"), [join(root, "docs", "check.ts")]);
  return { ...lessons, seconds: api.seconds + lessons.seconds };
}

const steps: Array<[string, () => StepResult]> = [
  ["node", () => vitestStep("node")],
  ["deno", () => vitestStep("deno")],
  ["bun", bunStep],
  ["verify", () => commandStep("verify", bin("node"), [join(root, "packages", "grader", "src", "cli.ts"), "verify", "--runtime", "all"])],
  ["types", () => commandStep("types", bin("tsc"), ["-p", "tsconfig.tests.json"])],
  ["package", () => commandStep("package", bin("node"), [join(root, "scripts", "check-packages.ts")])],
  ["docs", () => docsStep()],
];

const results: StepResult[] = [];
for (const [name, step] of steps) {
  if (only && !only.has(name)) continue;
  results.push(step());
}
rmSync(scratch, { recursive: true, force: true });

const checks = new Set(["types", "package", "docs", "verify"]);
const failing = results.filter((r) => (r.failures ?? []).length > 0);
if (failing.length > 0) {
  console.log("\n── failed tests ──");
  for (const r of failing) for (const f of (r.failures ?? []).slice(0, 20)) console.log(`[${r.name}] ${f}`);
}
console.log("\n── multiproc test summary ──");
for (const r of results) {
  const counts = checks.has(r.name) ? (r.ok ? "ok" : "failed") : `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
  const why = !r.ok && r.passed === 0 && r.failed === 0 && !checks.has(r.name) ? " (ran zero tests)" : "";
  console.log(`${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(6)} ${counts}${why}${r.note ? ` — ${r.note}` : ""}  (${r.seconds.toFixed(1)} s)`);
}
const runtimes = results.filter((r) => !checks.has(r.name));
const passed = runtimes.reduce((n, r) => n + r.passed, 0);
const failed = runtimes.reduce((n, r) => n + r.failed, 0);
const allOk = results.length > 0 && results.every((r) => r.ok);
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(allOk ? 0 : 1);
