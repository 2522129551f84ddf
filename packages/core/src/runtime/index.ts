/**
 * Picks the adapter for the runtime this code runs on. Each adapter module is loaded only on its
 * own runtime.
 *
 * @internal
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { runtime } from "./detect.ts";

async function load(): Promise<RuntimeAdapter> {
  switch (runtime.name) {
    case "deno":
      return (await import("./deno.ts")).adapter;
    case "bun":
      return (await import("./bun.ts")).adapter;
    case "node":
      return (await import("./node.ts")).adapter;
  }
}

/** The adapter for the current runtime. */
export const adapter: RuntimeAdapter = await load();
export type { ByteStream, ExitStatus, OsChild, ParentPort, Refable, RuntimeAdapter, StreamServer, ThreadChild } from "./adapter.ts";
