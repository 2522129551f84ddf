import { defineConfig } from "vitest/config";

/** Vitest settings shared by the Node and Deno runs (Bun runs the same files with `bun test`). */
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "bench/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real processes; two cores do not gain from many test files at once.
    fileParallelism: false,
  },
});
