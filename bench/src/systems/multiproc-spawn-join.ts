/**
 * spawn-join, multiproc side: the mean time of `new Process({ target: noop, context })`,
 * `start()` and `await join()`, over `count` children started one after another (after `warmup`
 * unmeasured ones). The task's module (`workers/multiproc-noop.ts`, or `multiproc-noop-built.js`
 * for the npm build) imports nothing but `@multiproc/core`.
 *
 * Variant: the context, `thread` or `process`; a second argument `built` measures the package
 * as published to npm (`packages/core/dist/`, see `workers/built-core.ts`) instead of the
 * workspace's TypeScript sources. The program is never a task's module, so it needs no
 * main-module guard.
 *
 * @module
 */
import { childInput, needParam, reportStartJoin, variantOf } from "./child.ts";
import { loadBuiltCore } from "./workers/built-core.ts";

/** The no-op task made with the built package (plain JavaScript: no types to check it against). */
async function loadBuiltNoop(): Promise<typeof import("./workers/multiproc-noop.ts")> {
  const url = new URL("./workers/multiproc-noop-built.js", import.meta.url);
  return (await import(url.href)) as typeof import("./workers/multiproc-noop.ts");
}

// Both copies of the library cannot be loaded here (the sources and the build): it is chosen
// first, and nothing else imports it.
const input = childInput();
const context = variantOf(input, ["thread", "process"] as const);
const built = input.args[1] === "built";
const { Process } = built ? await loadBuiltCore() : await import("@multiproc/core");
const { noop } = built ? await loadBuiltNoop() : await import("./workers/multiproc-noop.ts");
const count = needParam(input.params, "count");
const warmup = needParam(input.params, "warmup");
const startJoin = async (): Promise<void> => {
  const p = new Process({ target: noop, context });
  p.start();
  await p.join();
  if (p.exitCode !== 0) throw new Error(`the no-op ${context} child exited with ${p.exitCode}`);
};
await reportStartJoin(startJoin, count, warmup);
