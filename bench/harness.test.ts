// Unit tests of the harness's pure parts: argument parsing, summaries, the result-line parser,
// table formatting and workload checks. The end-to-end run is in smoke.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseArgs } from "./src/args.ts";
import { BenchUsageError, WorkloadDefinitionError } from "./src/errors.ts";
import { childEnv, measureOnce, parseReport } from "./src/measure.ts";
import { summarise } from "./src/stats.ts";
import { formatRatio, formatValue, verdict } from "./src/format.ts";
import type { System, Workload } from "./src/types.ts";
import { defineWorkload, jsSystem, pythonSystem } from "./src/workload.ts";
import { workloads } from "./workloads/index.ts";

describe("parseArgs", () => {
  it("defaults to 5 measurements, 1 with --quick", () => {
    expect(parseArgs([])).toMatchObject({ filters: [], repeat: 5, quick: false, list: false });
    expect(parseArgs(["--quick"])).toMatchObject({ repeat: 1, quick: true });
    expect(parseArgs(["--quick", "--repeat", "3"])).toMatchObject({ repeat: 3, quick: true });
  });

  it("takes name filters, --repeat=N and --json", () => {
    expect(parseArgs(["pool", "spawn", "--repeat=2", "--json", "o.json"])).toMatchObject({
      filters: ["pool", "spawn"],
      repeat: 2,
      json: "o.json",
    });
  });

  it("rejects bad values and unknown flags with the usage", () => {
    expect(() => parseArgs(["--repeat", "0"])).toThrow(BenchUsageError);
    expect(() => parseArgs(["--repeat", "x"])).toThrow(/positive whole number/);
    expect(() => parseArgs(["--json"])).toThrow(/needs a value/);
    expect(() => parseArgs(["--fast"])).toThrow(/unknown option --fast[\s\S]*usage: pnpm bench/);
  });
});

describe("summarise", () => {
  it("gives median, min and max", () => {
    expect(summarise([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(summarise([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("refuses an empty sample", () => {
    expect(() => summarise([])).toThrow(RangeError);
  });
});

describe("parseReport", () => {
  it("takes the last JSON result line, ignoring other output", () => {
    expect(parseReport('loading\n{"value": 1}\n{"value": 12.5, "detail": {"n": 3}}\n')).toEqual({ value: 12.5, detail: { n: 3 } });
    expect(parseReport('{"unavailable": "no Bun here"}\n')).toEqual({ unavailable: "no Bun here" });
  });

  it("finds nothing in output without a valid result", () => {
    expect(parseReport("")).toBeUndefined();
    expect(parseReport('{"value": "fast"}\n{not json\n')).toBeUndefined();
  });
});

describe("measureOnce", () => {
  const dir = mkdtempSync(join(tmpdir(), "multiproc-bench-measure-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** A Node system running a throwaway program with the given source. */
  const program = (name: string, source: string): System => {
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, source);
    return { name, runtime: "node", script: pathToFileURL(file) };
  };

  it("runs the program in a child, passes the parameters and reads its result line", async () => {
    const echo = program("echo", 'const p = JSON.parse(process.argv.at(-1)); console.log("hi"); console.log(JSON.stringify({ value: p.n * 2 }));');
    const m = await measureOnce(echo, { n: 21 }, 30_000);
    expect(m).toMatchObject({ kind: "value", value: 42 });
  });

  it("passes a system's reason for being unavailable through", async () => {
    const none = program("none", 'console.log(JSON.stringify({ unavailable: "not on this runtime" }));');
    expect(await measureOnce(none, {}, 30_000)).toEqual({ kind: "unavailable", reason: "not on this runtime" });
  });

  it("reports a child that fails, with its error", async () => {
    const boom = program("boom", 'throw new Error("boom: the system broke");');
    const m = await measureOnce(boom, {}, 30_000);
    expect(m.kind).toBe("error");
    expect(m.kind === "error" && m.reason).toMatch(/exit code 1: .*boom: the system broke/);
  });

  it("reports a child that exits 0 without a result", async () => {
    const quiet = program("quiet", "");
    expect(await measureOnce(quiet, {}, 30_000)).toEqual({ kind: "error", reason: "exited 0 without a result line" });
  });

  it("kills a child that runs past the time limit", async () => {
    const hang = program("hang", "setInterval(() => {}, 1000);");
    const started = performance.now();
    expect(await measureOnce(hang, {}, 1_000)).toEqual({ kind: "error", reason: "timed out after 1 s" });
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe("childEnv", () => {
  it("sets and removes variables", () => {
    const env = childEnv({ BENCH_SET: "1", PATH: undefined });
    expect(env.BENCH_SET).toBe("1");
    expect("PATH" in env).toBe(false);
  });
});

describe("table formatting", () => {
  it("formats values and ratios", () => {
    expect(formatValue(412345.6)).toBe("412,346");
    expect(formatValue(27.43)).toBe("27.4");
    expect(formatValue(3.14159)).toBe("3.14");
    expect(formatValue(0.01234)).toBe("0.0123");
    expect(formatRatio(0.5183)).toBe("0.52×");
    expect(formatRatio(12.34)).toBe("12.3×");
    expect(formatRatio(0.0046)).toBe("0.0046×");
  });

  it("says better or worse according to the unit's direction", () => {
    expect(verdict(0.5, false)).toBe("2.00× better");
    expect(verdict(0.5, true)).toBe("2.00× worse");
    expect(verdict(3, true)).toBe("3.00× better");
    expect(verdict(1.001, true)).toBe("same");
  });
});

describe("workloads", () => {
  const base: Workload = {
    name: "demo",
    description: "d",
    unit: { label: "ms", higherIsBetter: false },
    reference: "a",
    params: { full: { n: 10 }, quick: { n: 1 } },
    systems: [pythonSystem("a", "a.py"), jsSystem("node", "b", "b.ts")],
  };

  it("accepts a valid definition", () => {
    expect(defineWorkload(base)).toBe(base);
  });

  it("rejects a missing reference, duplicate rows and mismatched quick parameters", () => {
    expect(() => defineWorkload({ ...base, reference: "zzz" })).toThrow(WorkloadDefinitionError);
    expect(() => defineWorkload({ ...base, systems: [...base.systems, jsSystem("node", "b", "c.ts")] })).toThrow(/two "b" systems/);
    expect(() => defineWorkload({ ...base, params: { full: { n: 1 }, quick: { m: 1 } } })).toThrow(/quick parameters/);
  });

  it("registers the comparison workloads, each with its reference among its systems", () => {
    expect(workloads.map((w) => w.name)).toEqual([
      "spawn-join",
      "pool-map",
      "apply-latency",
      "cpu-speedup",
      "lock-counter",
      "queue-throughput-small",
      "queue-throughput-large",
    ]);
    for (const w of workloads) expect(w.systems.some((s) => s.name === w.reference)).toBe(true);
  });
});
