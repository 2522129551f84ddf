/**
 * spawn-join, JavaScript side: the mean time to start a no-op child and wait for it to end, over
 * `count` children started one after another (after `warmup` unmeasured ones).
 *
 * Variants: `worker_threads` (node:worker_threads `Worker`, joined on its `exit` event),
 * `web-worker` (the global `Worker`, joined when its one message arrives: Web Workers have no
 * exit event), `fork` (`child_process.fork`), `spawn` (`child_process.spawn` of this runtime's
 * own executable), `deno-command` (`Deno.Command`) and `bun-spawn` (`Bun.spawn`). A second
 * argument `ts` makes the no-op child a TypeScript file instead of plain JavaScript; `library`
 * makes it a JavaScript child that imports the built `@multiproc/core` and nothing else, as
 * every multiproc task's module does: the floor under multiproc's own rows (on Node with the
 * compile cache multiproc turns on for its children).
 *
 * @module
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker as NodeWorker } from "node:worker_threads";
import { ChildUsageError } from "../errors.ts";
import { childInput, needParam, reportStartJoin, reportUnavailable, variantOf } from "./child.ts";

const input = childInput();
const variant = variantOf(input, ["worker_threads", "web-worker", "fork", "spawn", "deno-command", "bun-spawn"] as const);
/**
 * `js` (default): the no-op child is plain JavaScript; `ts`: it is TypeScript, to show what
 * loading a .ts entry costs; `library`: it imports the built library (`workers/noop-library.js`).
 */
const language = input.args[1] ?? "js";
if (language !== "js" && language !== "ts" && language !== "library") throw new ChildUsageError(`the second argument must be js, ts or library, not ${language}`);
const noopUrl = new URL(language === "library" ? "./workers/noop-library.js" : `./workers/noop.${language}`, import.meta.url);
if (language === "library") {
  // The cache multiproc's Node adapter turns on for its children and threads (runtime/node.ts),
  // so that the child loads the library as theirs do. Deno and Bun do not read it.
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "multiproc-node-compile-cache");
}
const noopPath = fileURLToPath(noopUrl);
const noopWebUrl = new URL("./workers/noop-web.js", import.meta.url);

/** The parts of the runtimes' own globals this file uses. */
interface RuntimeGlobals {
  Deno?: {
    execPath(): string;
    Command: new (
      cmd: string,
      options: { args: string[]; stdin: "null"; stdout: "null"; stderr: "inherit" },
    ) => { spawn(): { status: Promise<{ code: number }> } };
  };
  Bun?: {
    spawn(cmd: string[], options: { stdin: "ignore"; stdout: "ignore"; stderr: "inherit" }): { exited: Promise<number> };
  };
  Worker?: new (url: URL, options: { type: "module" }) => {
    onmessage: ((e: unknown) => void) | null;
    onerror: ((e: { message?: string }) => void) | null;
    terminate(): void;
  };
}
const g = globalThis as unknown as RuntimeGlobals;
/**
 * The runtime, from its globals. Not `runtime` from `@multiproc/core`: importing multiproc on Node
 * turns Node's compile cache on for every child this program starts (it sets
 * `NODE_COMPILE_CACHE`), and these rows measure the runtimes as they are.
 */
const runtimeName = g.Deno !== undefined ? "deno" : g.Bun !== undefined ? "bun" : "node";

/** Arguments that make this runtime's executable run the no-op program. */
const runNoop = runtimeName === "deno" ? ["run", "--quiet", noopPath] : [noopPath];

/** Waits for a child process to exit, failing unless it exited with code 0. */
function joined(child: ChildProcess, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} exited with ${code ?? signal}`));
    });
  });
}

/** Fails unless an exit code is 0. */
function checkCode(code: number, what: string): void {
  if (code !== 0) throw new Error(`${what} exited with ${code}`);
}

type StartJoin = () => Promise<void>;

function chooseVariant(variant: string): StartJoin | string {
  switch (variant) {
    case "worker_threads":
      return () =>
        new Promise<void>((resolve, reject) => {
          const w = new NodeWorker(noopUrl);
          w.once("error", reject);
          w.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
        });
    case "web-worker": {
      const WebWorker = g.Worker;
      if (WebWorker === undefined || runtimeName === "node") return "Node has no Web Worker global (only node:worker_threads)";
      return () =>
        new Promise<void>((resolve, reject) => {
          const w = new WebWorker(noopWebUrl, { type: "module" });
          w.onmessage = () => {
            w.terminate();
            resolve();
          };
          w.onerror = (e) => reject(new Error(`web worker failed: ${e.message ?? "unknown error"}`));
        });
    }
    case "fork":
      return () => joined(fork(noopPath, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] }), "forked child");
    case "spawn":
      return () => joined(spawn(process.execPath, runNoop, { stdio: ["ignore", "ignore", "inherit"] }), "spawned child");
    case "deno-command": {
      const Deno = g.Deno;
      if (Deno === undefined) return `${runtimeName} has no Deno.Command`;
      return async () => {
        const cmd = new Deno.Command(Deno.execPath(), { args: runNoop, stdin: "null", stdout: "null", stderr: "inherit" });
        const { code } = await cmd.spawn().status;
        checkCode(code, "Deno.Command child");
      };
    }
    case "bun-spawn": {
      const Bun = g.Bun;
      if (Bun === undefined) return `${runtimeName} has no Bun.spawn`;
      return async () => {
        const code = await Bun.spawn([process.execPath, ...runNoop], { stdin: "ignore", stdout: "ignore", stderr: "inherit" }).exited;
        checkCode(code, "Bun.spawn child");
      };
    }
    default:
      throw new Error(`unreachable variant ${variant}`);
  }
}

const count = needParam(input.params, "count");
const warmup = needParam(input.params, "warmup");
const startJoin = chooseVariant(variant);
if (typeof startJoin === "string") await reportUnavailable(startJoin);
else {
  await reportStartJoin(startJoin, count, warmup);
}
