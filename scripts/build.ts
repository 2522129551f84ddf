/**
 * `pnpm build`: compiles every package with `tsc -b` into its `dist/` (`.js` + `.d.ts`, with the
 * `.ts` import specifiers rewritten to `.js`). Stale output is removed first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
for (const pkg of readdirSync(join(root, "packages"))) {
  rmSync(join(root, "packages", pkg, "dist"), { recursive: true, force: true });
}
const r = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-b", "tsconfig.json"], { cwd: root, stdio: "inherit" });
if (r.status !== 0) {
  console.error("build failed: see the type errors above.");
  process.exit(r.status ?? 1);
}
console.log("built: " + readdirSync(join(root, "packages")).filter((p) => existsSync(join(root, "packages", p, "tsconfig.json"))).map((p) => `packages/${p}/dist`).join(", "));
