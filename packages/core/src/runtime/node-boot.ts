/**
 * The first module of a Node worker thread started by multiproc: it turns Node's compile cache on
 * for this thread (workers do not inherit it) before loading the real entry, whose many
 * TypeScript modules then load from the cache.
 *
 * @internal
 * @module
 */
import { enableCompileCache } from "node:module";
import { workerData } from "node:worker_threads";

const boot = workerData as { multiprocEntry: string; multiprocCache?: string };
if (boot.multiprocCache !== undefined && typeof enableCompileCache === "function") {
  try {
    enableCompileCache(boot.multiprocCache);
  } catch {
    // An optimisation only.
  }
}
await import(boot.multiprocEntry);
