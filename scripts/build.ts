/**
 * `pnpm build`: builds every library package into its `dist/`, the form published to npm:
 *
 * - the declarations (`.d.ts`, one per source module) with `tsc -b`;
 * - the JavaScript as a bundle with rolldown: one file per entry (the `exports` of the package,
 *   and the modules the library loads by URL at run time: a child's first module) and the code
 *   they share in chunks beside them, all in `dist/` itself — a module that finds a runtime
 *   entry does so next to its own file (`siblingModule`). Each package stays its own bundle:
 *   `@multiproc/*` imports are left as imports, so that every package's code is loaded once.
 *
 * Why a bundle: every child (a worker thread or an OS process) loads the library again. Node
 * loads one module in about 0.4 ms even from its compile cache, and the library is ~55 modules:
 * measured in a worker thread, importing the package's sources took 52–69 ms, the bundle 44–51 ms,
 * an empty module 33–41 ms. Who installs from npm gets the bundle on every runtime; the workspace
 * (tests, benchmarks) and Deno's JSR users run the TypeScript sources (`deno.json`).
 *
 * Stale output is removed first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * The modules the library loads by URL at run time, per package (beside the `exports`): each
 * becomes an entry of the bundle, at the top of `dist/`.
 */
const RUNTIME_ENTRIES: Record<string, Record<string, string>> = {
  "@multiproc/core": { "child-main": "src/process/child-main.ts" },
};

interface Manifest {
  name: string;
  private?: boolean;
  exports: Record<string, string>;
}

const libraries = readdirSync(join(root, "packages")).filter((p) => existsSync(join(root, "packages", p, "tsconfig.json")));
for (const pkg of libraries) rmSync(join(root, "packages", pkg, "dist"), { recursive: true, force: true });

const r = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-b", "tsconfig.json"], { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  console.error("build failed: see the type errors above.");
  process.exit(r.status ?? 1);
}

for (const pkg of libraries) {
  const dir = join(root, "packages", pkg);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
  if (manifest.private === true) continue; // the grader runs from its sources
  const input: Record<string, string> = {};
  for (const [subpath, file] of Object.entries(manifest.exports)) {
    // "." → index, "./internal" → internal: the names `publishConfig.exports` points at.
    input[subpath === "." ? "index" : subpath.replace(/^\.\//, "")] = join(dir, file);
  }
  for (const [name, file] of Object.entries(RUNTIME_ENTRIES[manifest.name] ?? {})) input[name] = join(dir, file);
  const bundle = await rolldown({ input, platform: "node", external: [/^node:/, /^@multiproc\//], logLevel: "warn" });
  // No comments: the documentation is in the declarations and the sources (both published);
  // core's bundle is 142 KB without them, 241 KB with them, and every child reads it.
  await bundle.write({ dir: join(dir, "dist"), format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: true, comments: false });
  await bundle.close();
}
console.log(`built: ${libraries.filter((p) => existsSync(join(root, "packages", p, "dist", "index.js"))).map((p) => `packages/${p}/dist`).join(", ")}`);
