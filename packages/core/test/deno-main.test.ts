import { describe, expect, it } from "vitest";
import { runtime } from "../src/index.ts";
import { program, runProgram } from "./helpers.ts";

/** Runs `file` with Deno, with the `process`-global trap preloaded; resolves with its outcome. */
function runTrapped(file: string): ReturnType<typeof runProgram> {
  return runProgram(file, [], ["--preload", program("node-layer-trap.ts")]);
}

// Only Deno loads Node's APIs on first use (and a process pays ~30 ms for it); on Node and Bun
// they are the runtime's own, and these tests do not apply there.
describe.skipIf(runtime.name !== "deno")("a Deno main thread runs on Deno's own APIs (Deno only: Node's APIs are native on Node and Bun)", () => {
  it("a child process's entry loads the whole library and exits without reading the process global", async () => {
    const { code, stderr } = await runTrapped(new URL("../src/process/child-main.ts", import.meta.url).pathname);
    // Run by hand, the entry says what it is for and exits with 2 (through the adapter).
    expect(stderr).toContain("not meant to be run by hand");
    expect(stderr).toContain("node layer: untouched");
    expect(code).toBe(2);
  });

  it("a parent that starts a process child sharing a locked Value never reads the process global", async () => {
    const { code, stdout, stderr } = await runTrapped(program("node-free-parent.ts"));
    expect(stderr).toContain("node layer: untouched");
    expect(JSON.parse(stdout)).toEqual({ exitCode: 0, value: 5 });
    expect(code).toBe(0);
  });

  it("the trap sees a read of the process global", async () => {
    const { stderr } = await runTrapped(program("node-layer-reader.ts"));
    expect(stderr).toContain("node layer: touched");
    expect(stderr).toContain("node-layer-reader.ts");
  });
});
