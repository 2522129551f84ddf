/// <reference types="bun" />
/**
 * The Bun adapter. Bun runs `.ts` files directly; a child is the same `bun` binary given the
 * entry file.
 *
 * @internal
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { connectUnix } from "./bun-stream.ts";
import { startBunThread } from "./bun-thread.ts";
import { createNodeCompatAdapter } from "./node-compat.ts";

/** Makes the adapter for Bun (called only on Bun: see `index.ts`). */
export function bunAdapter(): RuntimeAdapter {
  return createNodeCompatAdapter({
    name: "bun",
    connectUnix,
    spinBeforeParkMs: 0,
    startThread: startBunThread,
    scriptCommand: (file) => ({ command: process.execPath, args: [file] }),
    isMainThread: () => Bun.isMainThread,
  });
}
