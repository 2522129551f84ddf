/**
 * The Node.js adapter. Node 24 runs `.ts` files directly (type stripping), so a child is the
 * same `node` binary given the entry file. Making the adapter turns Node's compile cache on (see
 * below). Nothing runs at import time: `index.ts` imports every adapter and makes only its own
 * runtime's.
 *
 * @internal
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { createNodeCompatAdapter } from "./node-compat.ts";

/** Node's `RuntimeAdapter.now`: `process.hrtime()` in milliseconds. */
function hrtimeMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1e3 + nanoseconds / 1e6;
}

/** Turns Node's compile cache on for this process and, through the environment, for its children. */
function turnOnCompileCache(): void {
  // Looked up here, not imported: this module is also imported on Deno, whose `node:module` has
  // no `enableCompileCache` export (a static import of it fails to link there).
  const { enableCompileCache } = process.getBuiltinModule("node:module");
  if (typeof enableCompileCache !== "function") return;
  const { tmpdir } = process.getBuiltinModule("node:os");
  const { join } = process.getBuiltinModule("node:path");
  const cacheDir = join(tmpdir(), "multiproc-node-compile-cache");
  try {
    enableCompileCache(cacheDir);
    process.env.NODE_COMPILE_CACHE = cacheDir;
  } catch {
    // A cache is an optimisation: without one, everything still works.
  }
}

/**
 * Makes the adapter for Node.js.
 *
 * Every child and worker loads multiproc's TypeScript sources again; Node strips their types each
 * time unless its compile cache is on. Measured here: a process-context start+join goes from
 * ~230 ms to ~90 ms, a thread-context one from ~110 ms to ~65 ms. Turned on for this process (if
 * nobody chose otherwise) and, through the environment (`NODE_COMPILE_CACHE`), for its children
 * and its worker threads: Node 24 reads it from the environment a worker is given, so a worker
 * needs no boot module of its own to turn it on.
 */
export function nodeAdapter(): RuntimeAdapter {
  // Children and worker threads find the cache chosen in the environment (Node turned it on
  // for them): they load none of the modules below (with the lazy ones in node-compat.ts, a
  // worker thread imports the library ~0.4 ms sooner).
  if (process.env.NODE_COMPILE_CACHE === undefined && process.env.NODE_DISABLE_COMPILE_CACHE === undefined) turnOnCompileCache();
  return createNodeCompatAdapter({
    name: "node",
    spinBeforeParkMs: 0.1,
    now: hrtimeMs,
    scriptCommand: (file) => ({ command: process.execPath, args: [file] }),
  });
}
