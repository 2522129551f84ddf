/**
 * URLs of modules that are started rather than imported (a child's entry file, a worker's boot
 * file). Such a URL is a string to the compiler: unlike an import specifier, `tsc` does not
 * rewrite its `.ts` to `.js` when it builds the published package, so it takes the extension of
 * the module that names it — `.ts` when the sources run directly (Node's type stripping, Deno,
 * Bun), `.js` in the build. The build is a bundle (`scripts/build.ts`): the code that names a
 * sibling lands in a chunk at the top of `dist/`, so every module started this way is an entry of
 * the bundle, written there too; a sibling must therefore sit in the same folder as the module
 * that names it in the sources as well.
 *
 * @internal
 * @module
 */

/**
 * The URL of the module `name` in the folder of `from`, with `from`'s extension.
 *
 * @param from - the naming module's `import.meta.url`.
 * @param name - the sibling's file name without extension, e.g. `"child-main"`.
 * @returns its URL.
 *
 * @example
 * ```ts
 * const entry = siblingModule(import.meta.url, "child-main"); // …/child-main.ts or …/child-main.js
 * ```
 */
export function siblingModule(from: string, name: string): URL {
  const extension = /\.[cm]?[jt]s$/.exec(new URL(from).pathname)?.[0] ?? ".js";
  return new URL(`./${name}${extension}`, from);
}
