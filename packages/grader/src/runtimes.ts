/**
 * Finds the executables of the workspace's pinned runtimes. The grader starts the real binaries,
 * not the `node_modules/.bin` shims (the Deno shim starts a Node process only to start Deno, which
 * costs ~50 ms per run and adds a process between the grader and the learner's code).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { RuntimeUnavailableError } from "./errors.ts";
import type { RuntimeName } from "./exercise.ts";

/**
 * The path of a runtime's executable. Node is the one running the grader (the workspace's pinned
 * Node 24 when started through pnpm); Deno and Bun come from the workspace's devDependencies.
 *
 * @param workspace - the workspace root (holding `node_modules/`).
 * @param runtime - which runtime.
 * @returns the absolute path of the executable.
 * @throws {RuntimeUnavailableError} when the runtime is not installed.
 *
 * @example
 * ```ts
 * import { resolveRuntimeBinary } from "@multiproc/grader";
 * resolveRuntimeBinary("/work/main", "deno"); // ".../node_modules/.pnpm/deno@2.9.6/node_modules/deno/deno"
 * ```
 */
export function resolveRuntimeBinary(workspace: string, runtime: RuntimeName): string {
  if (runtime === "node") return process.execPath;
  const require = createRequire(join(workspace, "package.json"));
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve(`${runtime}/package.json`));
  } catch {
    throw new RuntimeUnavailableError(runtime, `the "${runtime}" package is not installed in ${workspace}/node_modules`);
  }
  const exe = process.platform === "win32" ? ".exe" : "";
  const candidates = runtime === "deno" ? [join(pkgDir, `deno${exe}`)] : [join(pkgDir, "bin", "bun.exe"), join(pkgDir, "bin", "bun")];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new RuntimeUnavailableError(runtime, `no executable at ${candidates.join(" or ")}`);
  return found;
}

/**
 * The path of a package's folder as the workspace resolves it (following pnpm's symlinks).
 *
 * @param workspace - the workspace root.
 * @param name - the package name, e.g. `vitest`.
 * @returns the folder holding its `package.json`.
 * @throws {RuntimeUnavailableError} when the package is not installed.
 *
 * @example
 * ```ts
 * import { resolvePackageDir } from "@multiproc/grader";
 * resolvePackageDir("/work/main", "vitest");
 * ```
 */
export function resolvePackageDir(workspace: string, name: string): string {
  const require = createRequire(join(workspace, "packages", "grader", "package.json"));
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new RuntimeUnavailableError(name, `the "${name}" package is not installed for packages/grader`);
  }
}
