// Runs before every root script, in plain JavaScript so that even an old Node can run it.
// It fails early, with the command to run, when the workspace has not been installed or the
// script was started with a Node that cannot run the TypeScript sources.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pnpm = "npx pnpm@12.21.0";
const needed = ["vitest", "deno", "bun", "tsc", "node"].map((b) => `node_modules/.bin/${b}`);
const missing = needed.filter((p) => !existsSync(new URL(`../${p}`, import.meta.url)));
if (missing.length > 0) {
  console.error(
    `multiproc: the workspace is not installed (missing ${missing.join(", ")}).\n` +
      `Run this first, in ${root}:\n\n    ${pnpm} install\n`,
  );
  process.exit(2);
}
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  console.error(
    `multiproc: this needs Node 24 or later, and this is Node ${process.versions.node}.\n` +
      `Run scripts through pnpm, which puts the workspace's own Node 24 first on the PATH:\n\n` +
      `    ${pnpm} <script>     (for example: ${pnpm} test)\n`,
  );
  process.exit(2);
}
