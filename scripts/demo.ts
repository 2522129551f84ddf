/**
 * `pnpm run demo`: runs the demo program under Node, Deno and Bun, each starting one child as an OS
 * process and one as a worker thread and printing their pids.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const program = join(root, "scripts", "demo-program.ts");
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const commands: Array<[string, string[]]> = [
  [bin("node"), [program]],
  [bin("deno"), ["run", "-A", "--no-lock", "--quiet", program]],
  [bin("bun"), [program]],
];
let failed = 0;
for (const [cmd, args] of commands) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
