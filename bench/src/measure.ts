/**
 * One measurement: runs a system's program in a fresh child process on its runtime and reads the
 * JSON result it prints on stdout.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimeCommand, workspaceDir } from "./runtimes.ts";
import type { ChildReport, Detail, System } from "./types.ts";

/**
 * The outcome of one measurement: a value, the system's own word that it cannot run here, or
 * an error (non-zero exit, no result line, or a timeout).
 *
 * @example
 * ```ts
 * const m: Measurement = { kind: "value", value: 27.4, detail: { count: 20 }, seconds: 0.9 };
 * ```
 */
export type Measurement =
  | { readonly kind: "value"; readonly value: number; readonly detail: Detail; readonly seconds: number }
  | { readonly kind: "unavailable"; readonly reason: string }
  | { readonly kind: "error"; readonly reason: string };

/** How much of a child's stderr is kept for error messages. */
const keepStderr = 8_192;

/**
 * The child's environment: this process's, with the system's changes applied.
 *
 * @param changes - a string sets a variable, `undefined` removes it.
 * @returns the environment to start the child with.
 *
 * @example
 * ```ts
 * const env = childEnv({ NODE_EXTRA_CA_CERTS: undefined });
 * console.log("NODE_EXTRA_CA_CERTS" in env); // false
 * ```
 */
export function childEnv(changes: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Reads a child's result: the last line of its stdout that is a JSON object with a finite
 * `value` or a string `unavailable`.
 *
 * @param stdout - everything the child printed on stdout.
 * @returns the report, or `undefined` when there is none.
 *
 * @example
 * ```ts
 * parseReport('loading…\n{"value": 12.5}\n'); // { value: 12.5 }
 * ```
 */
export function parseReport(stdout: string): ChildReport | undefined {
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("{"));
  for (let i = lines.length - 1; i >= 0; i--) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(lines[i] ?? "");
    } catch {
      continue;
    }
    if (typeof parsed !== "object" || parsed === null) continue;
    const r = parsed as { value?: unknown; detail?: unknown; unavailable?: unknown };
    if (typeof r.unavailable === "string") return { unavailable: r.unavailable };
    if (typeof r.value === "number" && Number.isFinite(r.value)) {
      const detail = typeof r.detail === "object" && r.detail !== null ? (r.detail as Detail) : undefined;
      return detail === undefined ? { value: r.value } : { value: r.value, detail };
    }
  }
  return undefined;
}

/** The last non-empty line of a child's stderr that says something, for the table. */
function lastWords(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^at\s/.test(l) && !/^\^+$/.test(l));
  const error = lines.findLast((l) => /error/i.test(l));
  return (error ?? lines.at(-1) ?? "").slice(0, 200);
}

/**
 * Runs one measurement of `system` in a fresh child process.
 *
 * The child gets the system's arguments and then `params` as one JSON argument. It runs in its
 * own process group, so that on timeout the whole group (the child and anything it started) is
 * killed.
 *
 * @param system - what to run.
 * @param params - the workload's parameters.
 * @param timeoutMs - how long the child may take.
 * @returns the measurement; never throws for a failing child.
 *
 * @example
 * ```ts
 * const m = await measureOnce(workload.systems[0], { items: 1000 }, 60_000);
 * if (m.kind === "value") console.log(m.value);
 * ```
 */
export async function measureOnce(
  system: System,
  params: Readonly<Record<string, number>>,
  timeoutMs: number,
): Promise<Measurement> {
  const runtime = runtimeCommand(system.runtime);
  if (!runtime.available) return { kind: "unavailable", reason: runtime.reason };
  const args = [...runtime.prefix, fileURLToPath(system.script), ...(system.args ?? []), JSON.stringify(params)];
  const started = performance.now();
  return await new Promise<Measurement>((resolve) => {
    const child = spawn(runtime.command, args, {
      cwd: workspaceDir,
      // Python would otherwise leave __pycache__ in bench/python.
      env: childEnv(system.runtime === "python" ? { PYTHONDONTWRITEBYTECODE: "1", ...system.env } : system.env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-keepStderr);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ kind: "error", reason: `could not start ${runtime.command}: ${err.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // Anything the child left behind in its group goes with it.
      killGroup(child.pid);
      const seconds = (performance.now() - started) / 1000;
      if (timedOut) {
        resolve({ kind: "error", reason: `timed out after ${(timeoutMs / 1000).toFixed(0)} s` });
        return;
      }
      const report = parseReport(stdout);
      if (code === 0 && report !== undefined) {
        resolve(
          "unavailable" in report
            ? { kind: "unavailable", reason: report.unavailable }
            : { kind: "value", value: report.value, detail: report.detail ?? {}, seconds },
        );
        return;
      }
      const how = signal !== null ? `killed by ${signal}` : code === 0 ? "exited 0 without a result line" : `exit code ${code}`;
      const words = lastWords(stderr);
      resolve({ kind: "error", reason: words === "" ? how : `${how}: ${words}` });
    });
  });
}

/** Kills a child's process group, ignoring a group that is already gone. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group has already exited
  }
}
