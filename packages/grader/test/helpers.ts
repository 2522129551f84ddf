/**
 * Helpers of the grader's tests: run the grader's CLI the way the workspace scripts do (with the
 * workspace's pinned Node, whatever runtime runs the test), on a private copy of a fixture course.
 */
import { Ajv } from "ajv";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const WORKSPACE = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const NODE = join(WORKSPACE, "node_modules", ".bin", "node");
const CLI = join(WORKSPACE, "packages", "grader", "src", "cli.ts");

/** A private directory for one test: a copy of a fixture course and a TMPDIR for the grader. */
export interface Sandbox {
  root: string;
  tmp: string;
  remove(): void;
}

/** Copies a fixture course (`course`, `sandbox`, `broken`) into a fresh directory. */
export function copyFixture(name: string): Sandbox {
  const base = mkdtempSync(join(tmpdir(), "grader-test-"));
  const root = join(base, "course");
  const tmp = join(base, "tmp");
  cpSync(join(FIXTURES, name), root, { recursive: true });
  mkdirSync(tmp);
  return { root, tmp, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** Puts every reference solution over its stub, as a learner who finished the course would have. */
export function copySolutionsOverStubs(root: string): void {
  for (const folder of readdirSync(join(root, "solutions"))) cpSync(join(root, "solutions", folder), join(root, "exercises", folder), { recursive: true });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node packages/grader/src/cli.ts …` with its scratch directories under `tmp`. */
export function runCli(args: string[], tmp: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, ...args], {
      cwd: WORKSPACE,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmp, TMPDIR: tmp, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Live processes (zombies left out) whose environment has a TMPDIR under `tmp`: every process a
 * grading run starts gets `TMPDIR=<tmp>/multiproc-grade-…/tmp`, so after the grader has exited
 * this must be empty. Linux only (`/proc`).
 */
export function survivors(tmp: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (state === "Z" || state === "X") continue;
      if (readFileSync(`/proc/${name}/environ`, "latin1").includes(`TMPDIR=${tmp}/`)) found.push(Number(name));
    } catch {
      // gone, or not readable
    }
  }
  return found;
}

/** Reads a results.json written by `grade --json`. */
export function readResults(dir: string, slug: string, label: string): unknown {
  return JSON.parse(readFileSync(join(dir, slug, label, "results.json"), "utf8"));
}


const schema = JSON.parse(readFileSync(join(WORKSPACE, "packages", "grader", "schema", "results.schema.json"), "utf8")) as object;
const validator = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** Validates a results.json against the schema the grader ships; returns the errors, or [] when valid. */
export function schemaErrors(results: unknown): string[] {
  return validator(results) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}
