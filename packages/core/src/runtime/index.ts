/**
 * Picks the adapter for the runtime this code runs on. Every adapter module is imported (they
 * only define functions), and only the current runtime's adapter is made.
 *
 * No top-level `await` here (nor anywhere else in the library's module graph): a module that
 * imports one with a top-level await is evaluated by V8 from a microtask when that await settles,
 * and a worker thread terminated at that moment crashes the whole process (Node 24: "Check failed:
 * (location_) != nullptr" in `SourceTextModule::AsyncModuleExecutionFulfilled`, SIGTRAP). The
 * adapter used to be loaded with `await import(…)`, which made every module of the package such a
 * module in every worker thread.
 *
 * @internal
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { bunAdapter } from "./bun.ts";
import { denoAdapter } from "./deno.ts";
import { runtime } from "./detect.ts";
import { nodeAdapter } from "./node.ts";

function make(): RuntimeAdapter {
  switch (runtime.name) {
    case "deno":
      return denoAdapter();
    case "bun":
      return bunAdapter();
    case "node":
      return nodeAdapter();
  }
}

/** The adapter for the current runtime. */
export const adapter: RuntimeAdapter = make();
export type { ByteStream, ExitStatus, OsChild, Refable, RuntimeAdapter, StreamServer, ThreadChild } from "./adapter.ts";
