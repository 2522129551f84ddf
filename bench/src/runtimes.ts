/**
 * Where the runtimes that measuring children run on are, whether they are there, and the command
 * line that runs a program on each. Node, Deno and Bun are the workspace's pinned ones (under
 * `node_modules`); Python is whatever `python3` is first on the PATH.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRuntime } from "./types.ts";

const workspaceRoot = fileURLToPath(new URL("../../", import.meta.url));
const bin = (...parts: string[]) => join(workspaceRoot, "node_modules", ...parts);

/**
 * How to start programs on a runtime, or why it cannot be used.
 *
 * @example
 * ```ts
 * const deno: RuntimeCommand = { available: true, command: "/work/main/node_modules/deno/deno", prefix: ["run", "-A", "--no-lock"] };
 * ```
 */
export type RuntimeCommand =
  | { readonly available: true; readonly command: string; readonly prefix: readonly string[] }
  | { readonly available: false; readonly reason: string };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable called `name` on the PATH, if any. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The first of `candidates` that exists. The `.bin` entries for Deno and Bun may be shell shims
 * that start Node first, so the packages' real binaries are preferred; the time to start a
 * measuring child is not measured, but the runtime's own `execPath` is then the real binary.
 */
function firstExisting(runtime: string, candidates: readonly string[]): RuntimeCommand {
  const found = candidates.find(isExecutable);
  if (found === undefined) {
    return { available: false, reason: `${runtime} is not installed (run \`npx pnpm@12.21.0 install\` in ${workspaceRoot})` };
  }
  return { available: true, command: found, prefix: [] };
}

const cache = new Map<BenchRuntime, RuntimeCommand>();

/**
 * How to start a program on `runtime`, looked up once.
 *
 * @param runtime - which runtime.
 * @returns the executable and the arguments that go before the program's path, or the reason it
 *   cannot be used (for Python: `"python3 not on PATH"`).
 *
 * @example
 * ```ts
 * const py = runtimeCommand("python");
 * if (!py.available) console.log(`skipped: ${py.reason}`);
 * ```
 */
export function runtimeCommand(runtime: BenchRuntime): RuntimeCommand {
  const known = cache.get(runtime);
  if (known !== undefined) return known;
  let found: RuntimeCommand;
  switch (runtime) {
    case "node":
      found = firstExisting("node", [bin(".bin", "node")]);
      break;
    case "deno": {
      const deno = firstExisting("deno", [bin("deno", "deno"), bin(".bin", "deno")]);
      found = deno.available ? { ...deno, prefix: ["run", "-A", "--no-lock", "--quiet"] } : deno;
      break;
    }
    case "bun":
      found = firstExisting("bun", [bin("bun", "bin", "bun.exe"), bin(".bin", "bun")]);
      break;
    case "python": {
      const python = onPath("python3");
      found = python === undefined ? { available: false, reason: "python3 not on PATH" } : { available: true, command: python, prefix: [] };
      break;
    }
  }
  cache.set(runtime, found);
  return found;
}

/**
 * The runtime's version as it reports it (`"24.21.0"`, `"2.9.6"`, `"3.11.7"`), or `undefined`
 * when it is not available or does not answer.
 *
 * @param runtime - which runtime.
 * @returns the version without a leading `v` or name.
 *
 * @example
 * ```ts
 * console.log(`python ${runtimeVersion("python") ?? "(none)"}`);
 * ```
 */
export function runtimeVersion(runtime: BenchRuntime): string | undefined {
  const cmd = runtimeCommand(runtime);
  if (!cmd.available) return undefined;
  const r = spawnSync(cmd.command, ["--version"], { encoding: "utf8", timeout: 30_000 });
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  return /(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

/**
 * The workspace root (where `pnpm bench` runs), as a path ending in a separator.
 *
 * @example
 * ```ts
 * console.log(`benchmarks of the workspace in ${workspaceDir}`);
 * ```
 */
export const workspaceDir: string = workspaceRoot;

