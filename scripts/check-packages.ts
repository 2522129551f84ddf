/**
 * Proves the published shape of every library package: builds, packs each one with `pnpm pack`
 * (which applies `publishConfig` and replaces `workspace:` ranges), installs the tarballs into a
 * scratch project and imports each package's built output there under Node, checking that the
 * `.js` and `.d.ts` files are in the tarball and that the public exports are present; then starts
 * a child, a pool and a manager in each context from the built output under Node, Bun and Deno
 * (who install from npm get these files too).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** A program that starts a child, a pool and a manager in each context from the installed packages. */
const childrenCheck = `
import { isMain, Process, task } from "@multiproc/core";
import { Manager, Queue } from "@multiproc/ipc";
import { Pool } from "@multiproc/pool";
export const double = task(import.meta, async function double(queue, x) { await queue.put(2 * x); });
export const square = task(import.meta, function square(x) { return x * x; });
if (isMain(import.meta)) {
  for (const context of ["thread", "process"]) {
    const queue = new Queue();
    const child = new Process({ target: double, args: [queue, 21], context });
    await child.start();
    const got = await queue.get({ timeout: 60_000 });
    await child.join();
    if (got !== 42 || child.exitCode !== 0) throw new Error(context + ": a child of the built package gave " + got + ", exit code " + child.exitCode);
    const pool = new Pool({ processes: 2, context });
    const squares = await pool.map(square, [1, 2, 3]);
    pool.close();
    await pool.join();
    if (squares.join() !== "1,4,9") throw new Error(context + ": a pool of the built package gave " + squares.join());
    // A manager's server is a task of the ipc bundle itself, started by its URL.
    const manager = await Manager.start({ context });
    const shared = await manager.dict({ answer: 42 });
    const answer = await shared.get("answer");
    await manager.shutdown();
    if (answer !== 42) throw new Error(context + ": a manager of the built package gave " + answer);
    const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
    console.log(runtime + ", " + context + " context: a child, a pool and a manager start from the built packages");
  }
}
`;
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const scratch = mkdtempSync(join(tmpdir(), "multiproc-pack-"));
const failures: string[] = [];
try {
  execFileSync(bin("node"), [join(root, "scripts", "build.ts")], { cwd: root, stdio: "inherit" });
  const packages = readdirSync(join(root, "packages")).filter((p) => {
    if (!existsSync(join(root, "packages", p, "package.json"))) return false;
    const manifest = JSON.parse(readFileSync(join(root, "packages", p, "package.json"), "utf8")) as { private?: boolean };
    return manifest.private !== true;
  });
  const deps: Record<string, string> = {};
  for (const pkg of packages) {
    const dir = join(root, "packages", pkg);
    const out = execFileSync("npx", ["--yes", "pnpm@12.21.0", "pack", "--pack-destination", scratch, "--json"], { cwd: dir, encoding: "utf8" });
    const info = JSON.parse(out) as { name: string; filename: string; files: Array<{ path: string }> };
    const files = info.files.map((f) => f.path);
    for (const needed of ["dist/index.js", "dist/index.d.ts", "package.json"]) {
      if (!files.includes(needed)) failures.push(`${info.name}: the tarball lacks ${needed}`);
    }
    deps[info.name] = `file:${info.filename}`;
  }
  const project = join(scratch, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module", dependencies: deps, pnpm: { overrides: deps } }, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--loglevel=error"], { cwd: project, stdio: "inherit" });
  const checks = Object.keys(deps)
    .map((name) => `{ const m = await import(${JSON.stringify(name)}); console.log(${JSON.stringify(name)}, Object.keys(m).length, "exports"); }`)
    .join("\n");
  writeFileSync(join(project, "check.mjs"), `${checks}\nconst core = await import("@multiproc/core");\nif (core.runtime.name !== "node" || core.cpuCount() < 1) throw new Error("core misbehaves when built");\n`);
  execFileSync(bin("node"), ["check.mjs"], { cwd: project, stdio: "inherit" });
  // Children start from the built files too (their entry files are named by URL, not imported).
  writeFileSync(join(project, "run.mjs"), childrenCheck);
  execFileSync(bin("node"), ["run.mjs"], { cwd: project, stdio: "inherit", timeout: 120_000 });
  // Bun and Deno users who install from npm get the same files.
  execFileSync(bin("bun"), ["run.mjs"], { cwd: project, stdio: "inherit", timeout: 120_000 });
  execFileSync(bin("deno"), ["run", "-A", "--no-lock", "--node-modules-dir=manual", "run.mjs"], { cwd: project, stdio: "inherit", timeout: 120_000 });
} catch (err) {
  failures.push((err as Error).message);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error("package check failed:\n- " + failures.join("\n- "));
  process.exit(1);
}
console.log("package check: every package packs, imports under Node, and starts children from its built output under Node, Bun and Deno");
