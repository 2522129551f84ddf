/// <reference types="deno" />
/**
 * The Deno adapter. Children are started as `deno run` with the permissions this process has
 * (all of them when it has them all; see `permissionFlags`), and `--no-lock` so that a child never
 * rewrites the lockfile.
 *
 * @internal
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { createDenoMainAdapter } from "./deno-main.ts";
import { connectUnix } from "./deno-stream.ts";
import { createNodeCompatAdapter } from "./node-compat.ts";

const names = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;

/**
 * The `--allow-*` flags that give a child the permissions this process has. A permission granted
 * in full is passed on in full; one granted only for some paths or hosts cannot be listed through
 * Deno's API, so the child gets none of it and says so when it needs it — except the one a child
 * needs to start children of its own: running this Deno executable, which is asked for by name.
 */
function permissionFlags(): string[] {
  const granted = names.filter((name) => Deno.permissions.querySync({ name } as Deno.PermissionDescriptor).state === "granted");
  if (granted.length === names.length) return ["-A"];
  const flags = granted.map((name) => `--allow-${name}`);
  if (!granted.includes("run") && Deno.permissions.querySync({ name: "run", command: Deno.execPath() }).state === "granted") {
    flags.push(`--allow-run=${Deno.execPath()}`);
  }
  return flags;
}

/** The command line that runs `file` with this Deno and this process's permissions. */
function scriptCommand(file: string): { command: string; args: string[] } {
  return { command: Deno.execPath(), args: ["run", ...permissionFlags(), "--no-lock", "--quiet", file] };
}

/**
 * Makes the adapter for Deno (called only on Deno: see `index.ts`): Deno's own APIs on a main
 * thread (see `deno-main.ts`), Node's in a worker thread — Deno starts a `node:worker_threads`
 * worker with its Node layer loaded, and only Node's API gives that worker its `workerData`. A
 * worker has no main module.
 */
export function denoAdapter(): RuntimeAdapter {
  if (Deno.mainModule !== undefined) return createDenoMainAdapter({ spinBeforeParkMs: 0.1, scriptCommand });
  return createNodeCompatAdapter({ name: "deno", connectUnix, spinBeforeParkMs: 0.1, threadExitIsFinal: false, scriptCommand });
}
