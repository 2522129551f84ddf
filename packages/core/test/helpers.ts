/** Helpers shared by the core tests: temp files, running a program on the current runtime. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { Process, runtime, type ContextName, type Task } from "../src/index.ts";
import { decodeFromBytes } from "../src/codec/index.ts";

/** A fresh temp directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "multiproc-core-test-"));
}

/** Reads a JSON report written by a fixture task. */
export function readReport<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/**
 * The command that runs a script with the runtime these tests run on; `denoFlags` go to
 * `deno run` (on Deno only).
 */
export function scriptCommand(file: string, denoFlags: string[] = []): [string, string[]] {
  if (runtime.name === "deno") return [process.execPath, ["run", "-A", "--no-lock", "--quiet", ...denoFlags, file]];
  return [process.execPath, [file]];
}

/** The path of a fixture program. */
export function program(name: string): string {
  return fileURLToPath(new URL(`./fixtures/programs/${name}`, import.meta.url));
}

/** Runs a program to its end and returns its exit code and output (`denoFlags`: see `scriptCommand`). */
export function runProgram(
  file: string,
  args: string[],
  denoFlags: string[] = [],
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const [cmd, cmdArgs] = scriptCommand(file, denoFlags);
  const child = spawn(cmd, [...cmdArgs, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += String(d)));
  child.stderr.on("data", (d) => (stderr += String(d)));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/**
 * Whether a process with this pid is running. A zombie (a process that has exited but whose
 * parent has not collected its status yet: orphans wait for PID 1 to do it) counts as not
 * running. On Linux that is read from /proc; elsewhere any existing pid counts as running.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return existsSync("/proc/self") ? false : true;
  }
}

/**
 * Waits until `condition()` holds, checking every few ms, for at most `limitMs`. For states that
 * no event announces (another program's process disappearing); returns whether it held.
 */
export async function waitUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return condition();
}

/** Waits for a file to appear (written by a program the test cannot subscribe to). */
export function waitForFile(file: string, limitMs: number): Promise<boolean> {
  return waitUntil(() => existsSync(file), limitMs);
}

/** Reads a value a fixture task wrote with the codec. */
export function readEncoded<T = Record<string, unknown>>(file: string): T {
  return decodeFromBytes(new Uint8Array(readFileSync(file))) as T;
}

/** Runs a task in a child of `context` and checks that it exited with 0. */
export async function runChild<A extends unknown[]>(target: Task<A, unknown>, args: A, context: ContextName): Promise<void> {
  const p = new Process({ target, args, context });
  p.start();
  await p.join();
  expect(p.exitCode).toBe(0);
}
