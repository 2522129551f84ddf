// Smoke test of `pnpm bench`: runs the harness the way the root script does (`node bench/run.ts`,
// with the workspace's pinned Node) in --quick mode on one fast workload, and checks that every
// system got a row and that the table has ratios against the reference.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runtimeCommand } from "./src/runtimes.ts";
import lockCounter from "./workloads/lock-counter.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const node = join(root, "node_modules", ".bin", "node");
const scratch = mkdtempSync(join(tmpdir(), "multiproc-bench-smoke-"));
const jsonPath = join(scratch, "out.json");
// lock-counter: 13 systems (the Python reference, the bare Atomics mutex and three multiproc
// variants on each JavaScript runtime), about a second each in --quick mode.
const run = spawnSync(node, ["bench/run.ts", "lock-counter", "--quick", "--json", jsonPath], {
  cwd: root,
  encoding: "utf8",
  timeout: 120_000,
  env: { ...process.env, INIT_CWD: root },
});
// The reference system of lock-counter is Python's; ratios need it.
const hasPython = runtimeCommand("python").available;
// Every JavaScript system of the workload: the bare mutex and the multiproc rows, on each runtime.
const jsSystems = lockCounter.systems.filter((s) => s.runtime !== "python").length;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("pnpm bench --quick lock-counter", () => {
  it("exits 0 and prints the workload's table with one row per system", () => {
    expect(run.error).toBeUndefined();
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^lock-counter: /m);
    expect(run.stdout).toMatch(/increments\/s, higher is better/);
    for (const rt of ["node", "deno", "bun"]) {
      expect(run.stdout).toMatch(new RegExp(`SharedArrayBuffer \\+ Atomics mutex, 2 worker threads\\s+${rt} \\d`));
    }
  });

  // Without python3 the reference cannot run; the next test checks what is printed then.
  it.skipIf(!hasPython)("prints a ratio against the reference for every measured system", () => {
    expect(run.stdout).toMatch(/multiprocessing Value \+ its lock\s+python \S+\s+[\d,.]+\s+[\d,.]+\s+[\d,.]+\s+1\.00×\s+reference/);
    const rows = run.stdout.split("\n").filter((l) => l.includes("Atomics mutex") || l.includes("multiproc Value"));
    expect(rows).toHaveLength(jsSystems);
    for (const row of rows) expect(row).toMatch(/\d+(\.\d+)?×\s+(\d+(\.\d+)?× (better|worse)|same)$/);
  });

  it.skipIf(hasPython)("says why there are no ratios when python3 is missing", () => {
    expect(run.stdout).toMatch(/skipped: python3 not on PATH/);
    expect(run.stdout).toMatch(/no ratios: the reference was not measured/);
  });

  it("writes every sample to the --json file", () => {
    const out = JSON.parse(readFileSync(jsonPath, "utf8")) as {
      quick: boolean;
      workloads: Array<{ name: string; systems: Array<{ runtime: string; status: string; samples: number[]; ratio: number | null }> }>;
    };
    expect(out.quick).toBe(true);
    expect(out.workloads.map((w) => w.name)).toEqual(["lock-counter"]);
    const js = out.workloads[0]?.systems.filter((s) => s.runtime !== "python") ?? [];
    expect(js).toHaveLength(jsSystems);
    for (const s of js) {
      expect(s.status).toBe("measured");
      expect(s.samples).toHaveLength(1);
      expect(s.samples[0]).toBeGreaterThan(0);
      if (hasPython) expect(s.ratio).toBeGreaterThan(0);
    }
  });
});
