/**
 * `@multiproc/core` as published to npm: the bundle `pnpm build` writes to `packages/core/dist/`
 * (see `scripts/build.ts`), for the benchmark rows that measure what an npm user runs on Node.
 * The workspace's `@multiproc/core` is the TypeScript sources, which Deno and Bun users run.
 *
 * The no-op child's task module imports this module, so it imports no Node builtin: on Deno the
 * first use of Node's APIs costs a process ~30 ms, which the child would pay and the library not.
 *
 * @module
 */

/** The built entry of `@multiproc/core`. */
export const builtCoreUrl = new URL("../../../../packages/core/dist/index.js", import.meta.url);

/**
 * Why the built package cannot be measured here, or `undefined` when it can: it has not been
 * built.
 *
 * @returns the reason, or `undefined`.
 *
 * @example
 * ```ts
 * jsSystem("node", "multiproc Process, built package", "multiproc-spawn-join.ts", { args: ["thread", "built"], unavailable: builtCoreMissing });
 * ```
 */
export function builtCoreMissing(): string | undefined {
  const { existsSync } = process.getBuiltinModule("node:fs");
  const { fileURLToPath } = process.getBuiltinModule("node:url");
  return existsSync(fileURLToPath(builtCoreUrl)) ? undefined : "packages/core/dist is not built: run `npx pnpm@12.21.0 build` first";
}

/**
 * Loads the built `@multiproc/core`.
 *
 * @returns the module, typed as the sources it is built from.
 *
 * @example
 * ```ts
 * const { Process } = await loadBuiltCore();
 * ```
 */
export async function loadBuiltCore(): Promise<typeof import("@multiproc/core")> {
  // A specifier computed at run time: the type check does not need the build.
  return (await import(builtCoreUrl.href)) as typeof import("@multiproc/core");
}
