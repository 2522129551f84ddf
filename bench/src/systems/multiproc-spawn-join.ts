/**
 * spawn-join, multiproc side: the mean time of `new Process({ target: noop, context })`,
 * `start()` and `await join()`, over `count` children started one after another (after `warmup`
 * unmeasured ones). The task's module (`workers/multiproc-noop.ts`) imports nothing but
 * `@multiproc/core`.
 *
 * Variant: the context, `thread` or `process`.
 *
 * @module
 */
import { isMain, Process } from "@multiproc/core";
import { childInput, needParam, reportStartJoin, variantOf } from "./child.ts";
import { noop } from "./workers/multiproc-noop.ts";

if (isMain(import.meta)) {
  const input = childInput();
  const context = variantOf(input, ["thread", "process"] as const);
  const count = needParam(input.params, "count");
  const warmup = needParam(input.params, "warmup");
  const startJoin = async (): Promise<void> => {
    const p = new Process({ target: noop, context });
    p.start();
    await p.join();
    if (p.exitCode !== 0) throw new Error(`the no-op ${context} child exited with ${p.exitCode}`);
  };
  await reportStartJoin(startJoin, count, warmup);
}
