import { builtCoreMissing } from "../src/systems/workers/built-core.ts";
import { defineWorkload, jsSystem, pythonSystem, type SystemOptions } from "../src/workload.ts";

/** Set on this machine, where each Node process start was reported to pay for reading it. */
const caVar = "NODE_EXTRA_CA_CERTS";
const caSet: SystemOptions["unavailable"] = () =>
  process.env[caVar] === undefined ? `${caVar} is not set in this environment (see the "unset" row)` : undefined;
const caUnset = { [caVar]: undefined };

/**
 * spawn-join: how long it takes to start a child that does nothing and wait for it to end, for
 * every way each runtime has of starting one, and multiproc's `Process` in both contexts. Node's
 * child-process rows run with NODE_EXTRA_CA_CERTS as this environment has it and with it
 * removed; the `.ts no-op` rows show what loading a TypeScript entry adds on Node; the `npm
 * build` rows measure multiproc as published to npm (the bundle each package builds into its `dist/`), which is
 * what Node users run, where the other multiproc rows load the workspace's TypeScript sources;
 * the `child imports the npm build` rows are the raw primitives with a child that imports that
 * bundle and does nothing else: the floor under multiproc's npm-build rows, since a task's module
 * imports the library before its task can run.
 *
 * @example
 * ```ts
 * import spawnJoin from "./spawn-join.ts";
 * console.log(spawnJoin.systems.length);
 * ```
 */
export default defineWorkload({
  name: "spawn-join",
  description: "start a no-op child and wait for it to end, one after another",
  unit: { label: "ms", perWhat: "per start+join", higherIsBetter: false },
  reference: "multiprocessing Process, spawn",
  params: { full: { count: 20, warmup: 2 }, quick: { count: 2, warmup: 0 } },
  systems: [
    pythonSystem("multiprocessing Process, spawn", "spawn_join.py", { args: ["spawn"] }),
    pythonSystem("multiprocessing Process, fork", "spawn_join.py", { args: ["fork"] }),

    jsSystem("node", "worker_threads Worker", "spawn-join.ts", { args: ["worker_threads"] }),
    jsSystem("node", "worker_threads Worker, .ts no-op", "spawn-join.ts", { args: ["worker_threads", "ts"] }),
    jsSystem("node", "Web Worker", "spawn-join.ts", { args: ["web-worker"] }),
    jsSystem("node", `child_process.fork, ${caVar} set`, "spawn-join.ts", { args: ["fork"], unavailable: caSet }),
    jsSystem("node", `child_process.fork, ${caVar} unset`, "spawn-join.ts", { args: ["fork"], env: caUnset }),
    jsSystem("node", `child_process.fork, .ts no-op, ${caVar} unset`, "spawn-join.ts", { args: ["fork", "ts"], env: caUnset }),
    jsSystem("node", `child_process.spawn, ${caVar} set`, "spawn-join.ts", { args: ["spawn"], unavailable: caSet }),
    jsSystem("node", `child_process.spawn, ${caVar} unset`, "spawn-join.ts", { args: ["spawn"], env: caUnset }),

    jsSystem("deno", "worker_threads Worker", "spawn-join.ts", { args: ["worker_threads"] }),
    jsSystem("deno", "Web Worker", "spawn-join.ts", { args: ["web-worker"] }),
    jsSystem("deno", "child_process.fork", "spawn-join.ts", { args: ["fork"] }),
    jsSystem("deno", "child_process.spawn", "spawn-join.ts", { args: ["spawn"] }),
    jsSystem("deno", "Deno.Command", "spawn-join.ts", { args: ["deno-command"] }),

    jsSystem("bun", "worker_threads Worker", "spawn-join.ts", { args: ["worker_threads"] }),
    jsSystem("bun", "Web Worker", "spawn-join.ts", { args: ["web-worker"] }),
    jsSystem("bun", "child_process.fork", "spawn-join.ts", { args: ["fork"] }),
    jsSystem("bun", "child_process.spawn", "spawn-join.ts", { args: ["spawn"] }),
    jsSystem("bun", "Bun.spawn", "spawn-join.ts", { args: ["bun-spawn"] }),

    // The floor under multiproc's npm-build rows: the raw primitive whose no-op child imports the
    // built library, as every task's module does (and nothing of multiproc's start or exit).
    ...(["node", "deno", "bun"] as const).flatMap((runtime) => [
      jsSystem(runtime, "worker_threads Worker, child imports the npm build", "spawn-join.ts", { args: ["worker_threads", "library"], unavailable: builtCoreMissing }),
      jsSystem(runtime, "child_process.spawn, child imports the npm build", "spawn-join.ts", { args: ["spawn", "library"], unavailable: builtCoreMissing }),
    ]),

    // multiproc: overhead over the raw primitive = this row / the thread row "worker_threads
    // Worker" (what the thread context uses) or the process row "child_process.spawn" (what the
    // process context uses) of the same runtime.
    jsSystem("node", `multiproc Process, thread context, ${caVar} set`, "multiproc-spawn-join.ts", { args: ["thread"], unavailable: caSet }),
    jsSystem("node", `multiproc Process, thread context, ${caVar} unset`, "multiproc-spawn-join.ts", { args: ["thread"], env: caUnset }),
    jsSystem("node", `multiproc Process, process context, ${caVar} set`, "multiproc-spawn-join.ts", { args: ["process"], unavailable: caSet }),
    jsSystem("node", `multiproc Process, process context, ${caVar} unset`, "multiproc-spawn-join.ts", { args: ["process"], env: caUnset }),
    // The same on Node with the package as published to npm (a bundle: `pnpm build` first).
    jsSystem("node", "multiproc Process, thread context, npm build", "multiproc-spawn-join.ts", { args: ["thread", "built"], unavailable: builtCoreMissing }),
    jsSystem("node", `multiproc Process, process context, npm build, ${caVar} set`, "multiproc-spawn-join.ts", {
      args: ["process", "built"],
      unavailable: () => caSet() ?? builtCoreMissing(),
    }),
    jsSystem("node", `multiproc Process, process context, npm build, ${caVar} unset`, "multiproc-spawn-join.ts", {
      args: ["process", "built"],
      env: caUnset,
      unavailable: builtCoreMissing,
    }),
    jsSystem("deno", "multiproc Process, thread context", "multiproc-spawn-join.ts", { args: ["thread"] }),
    jsSystem("deno", "multiproc Process, process context", "multiproc-spawn-join.ts", { args: ["process"] }),
    jsSystem("bun", "multiproc Process, thread context", "multiproc-spawn-join.ts", { args: ["thread"] }),
    jsSystem("bun", "multiproc Process, process context", "multiproc-spawn-join.ts", { args: ["process"] }),
    // Who installs from npm gets the bundle on Deno and Bun too (Deno's JSR users, the sources).
    ...(["deno", "bun"] as const).flatMap((runtime) =>
      (["thread", "process"] as const).map((context) =>
        jsSystem(runtime, `multiproc Process, ${context} context, npm build`, "multiproc-spawn-join.ts", { args: [context, "built"], unavailable: builtCoreMissing }),
      ),
    ),
  ],
});
