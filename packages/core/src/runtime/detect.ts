/**
 * Which JavaScript runtime this code is running on.
 *
 * This is the one place that inspects the runtime's globals to tell Node.js, Deno and Bun apart.
 *
 * @module
 */

/** The runtimes multiproc supports. */
export type RuntimeName = "node" | "deno" | "bun";

/**
 * The runtime this code runs on, and its version.
 *
 * @example
 * ```ts
 * import { runtime } from "@multiproc/core";
 * console.log(`${runtime.name} ${runtime.version}`); // e.g. "deno 2.9.6"
 * ```
 */
export interface RuntimeInfo {
  /** `"node"`, `"deno"` or `"bun"`. */
  readonly name: RuntimeName;
  /** The runtime's own version, without a leading `v` (e.g. `"24.21.0"`). */
  readonly version: string;
}

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string } };
}

/**
 * Detects the runtime from its globals. Bun and Deno both provide a `process` object for Node
 * compatibility, so they are checked first.
 *
 * @param globals - the global object to inspect; tests pass fakes.
 * @returns the runtime and its version.
 * @throws Error when the global object matches none of the supported runtimes.
 *
 * @example
 * ```ts
 * import { detectRuntime } from "@multiproc/core";
 * detectRuntime({ Bun: { version: "1.4.5" } }); // { name: "bun", version: "1.4.5" }
 * ```
 */
export function detectRuntime(globals: object = globalThis): RuntimeInfo {
  const g = globals as RuntimeGlobals;
  const deno = g.Deno?.version?.deno;
  if (typeof deno === "string") return { name: "deno", version: deno };
  const bun = g.Bun?.version;
  if (typeof bun === "string") return { name: "bun", version: bun };
  const node = g.process?.versions?.node;
  if (typeof node === "string") return { name: "node", version: node };
  throw new Error(
    "multiproc: unsupported JavaScript runtime (expected Node.js, Deno or Bun). " +
      "Run your program with one of them.",
  );
}

/**
 * The runtime this code is running on, detected once at load.
 *
 * @example
 * ```ts
 * import { runtime } from "@multiproc/core";
 * if (runtime.name === "bun") console.log("running on Bun", runtime.version);
 * ```
 */
export const runtime: RuntimeInfo = detectRuntime();
