/**
 * The Node.js adapter. Node 24 runs `.ts` files directly (type stripping), so a child is the
 * same `node` binary given the entry file.
 *
 * @internal
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import { createNodeCompatAdapter } from "./node-compat.ts";

/** The adapter for Node.js. */
export const adapter: RuntimeAdapter = createNodeCompatAdapter({
  name: "node",
  scriptCommand: (file) => ({ command: process.execPath, args: [file] }),
});
