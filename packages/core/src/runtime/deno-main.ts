/// <reference types="deno" />
/**
 * The adapter for a Deno program's main thread, on Deno's own APIs (`Deno.Command`, `Deno.listen`,
 * `Deno.kill`, the `unload` and `error` events). Deno implements Node's APIs too, but it loads
 * that compatibility layer on first use, and the first touch costs a fresh Deno process ~30 ms
 * (measured: a script that reads `process.pid` starts in 67 ms, an empty one in 27–41 ms; one that
 * imports `node:os`, `node:path`, `node:timers`, `node:url` and `node:worker_threads` in 60 ms).
 * Every process-context child is such a process: on Deno's APIs, a child that runs no Node code
 * never pays for it.
 *
 * What only some programs need still comes from Node's APIs, on first use: starting a worker
 * thread (Deno's web `Worker` cannot be unref'd, so a daemonic thread would keep its parent
 * alive, and it has no exit code), checking that a pid exists, and the signal numbers table.
 * Worker threads use the Node-compatible adapter: Deno starts a `node:worker_threads` worker with
 * that layer loaded.
 *
 * @internal
 * @module
 */
import type { ExitStatus, OsChild, Refable, RuntimeAdapter } from "./adapter.ts";
import { connectWithRetry } from "./connect-retry.ts";
import { connectUnix, listenUnix } from "./deno-stream.ts";
import { IDLE_TIMER_MS, signalNumberOf, signalWithNode, socketPath, startNodeWorker } from "./node-compat.ts";

/**
 * Node's `process` object, once this process has loaded Deno's Node layer (see
 * {@link nodeProcessIfLoaded}); `undefined` while it has not.
 */
let nodeProcess: NodeJS.Process | undefined;
/** Exit callbacks to register with Node's `process` too, once it is loaded. */
const nodeExitCallbacks: Array<(code: number) => void> = [];
/** The watcher's getter of the `process` global, around Deno's own (lazy) one. */
let watcherGetter: (() => unknown) | undefined;

/** Takes Node's `process` as loaded, and registers the waiting exit callbacks with it. */
function adoptNodeProcess(proc: NodeJS.Process): NodeJS.Process {
  nodeProcess = proc;
  for (const cb of nodeExitCallbacks.splice(0)) proc.on("exit", cb);
  return proc;
}

/**
 * Watches the `process` global without reading it: a read through it (`process.on("exit", …)`)
 * loads Deno's Node layer, and the watcher notes it. Deno also loads that layer when a module
 * imports a Node builtin, and then defines its Node globals again: the watcher is gone (seen on
 * Deno 2.9.6), which says the same.
 */
function watchNodeProcess(): void {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "process");
  if (descriptor?.get === undefined || descriptor.configurable !== true) return;
  const get = descriptor.get;
  watcherGetter = function watchedProcess(): unknown {
    Object.defineProperty(globalThis, "process", descriptor);
    return adoptNodeProcess(get.call(globalThis) as NodeJS.Process);
  };
  Object.defineProperty(globalThis, "process", { ...descriptor, get: watcherGetter });
}

/**
 * Node's `process` if this process has loaded Deno's Node layer — read through the `process`
 * global, or the watcher replaced by Deno when a module imported a Node builtin — or `undefined`,
 * without loading it. With it loaded, the adapter registers its exit callbacks as Node `exit`
 * listeners too, and ends the process with `process.exit`: `Deno.exit` runs only `unload`
 * listeners, not a program's Node `exit` listeners. (A global of a shape the watcher does not
 * know is taken as loaded.)
 */
function nodeProcessIfLoaded(): NodeJS.Process | undefined {
  if (nodeProcess !== undefined) return nodeProcess;
  if (watcherGetter !== undefined && Object.getOwnPropertyDescriptor(globalThis, "process")?.get === watcherGetter) return undefined;
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  return proc === undefined ? undefined : adoptNodeProcess(proc);
}

/** What a Deno adapter is told by `deno.ts`. */
export interface DenoSpecifics {
  /** The command line that runs a file with this Deno and this process's permissions. */
  scriptCommand(file: string): { command: string; args: string[] };
  /** See `RuntimeAdapter.spinBeforeParkMs`. */
  spinBeforeParkMs: number;
}

const encoder = new TextEncoder();

/** The temp directory, as Node's `os.tmpdir()` finds it on POSIX systems. */
function tmpdir(): string {
  for (const name of ["TMPDIR", "TMP", "TEMP"]) {
    const dir = Deno.env.get(name);
    if (dir !== undefined && dir !== "") return dir.length > 1 && dir.endsWith("/") ? dir.slice(0, -1) : dir;
  }
  return "/tmp";
}

/** A file URL for an absolute path, as `import.meta.url` spells it (`%`, `#`, `?` and spaces escaped). */
function fileUrl(path: string): string {
  const url = new URL("file:///");
  url.pathname = path.replaceAll("%", "%25");
  return url.href;
}

/** Starts `command` as a child process with the environment additions `env`, inheriting stdio. */
function spawnCommand(command: string, args: string[], env: Record<string, string>): OsChild {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, { args, env, stdin: "inherit", stdout: "inherit", stderr: "inherit" }).spawn();
  } catch (error) {
    Deno.stderr.writeSync(encoder.encode(`multiproc: could not start ${command}: ${(error as Error).message}\n`));
    return { pid: -1, exited: Promise.resolve({ code: 127, signal: null }), kill: () => {}, ref: () => {}, unref: () => {} };
  }
  let ended = false;
  const exited = child.status.then((status): ExitStatus => {
    ended = true;
    return status.signal === null ? { code: status.code, signal: null } : { code: null, signal: status.signal };
  });
  // Each call is skipped once the child has ended; it may also end between the check and the
  // call, when Deno throws (nothing is left to signal or keep alive then).
  const ifRunning = (action: () => void): void => {
    if (ended) return;
    try {
      action();
    } catch {
      // already gone
    }
  };
  return {
    pid: child.pid,
    exited,
    kill: (signal) => ifRunning(() => child.kill(signal)),
    ref: () => ifRunning(() => child.ref()),
    unref: () => ifRunning(() => child.unref()),
  };
}

/**
 * Makes the adapter for a Deno main thread.
 *
 * @param specifics - how to start a script, and the spin before parking.
 * @returns the adapter.
 * @example
 * ```ts
 * const adapter = createDenoMainAdapter({ spinBeforeParkMs: 0.1, scriptCommand: (file) => ({ command: Deno.execPath(), args: ["run", file] }) });
 * ```
 */
export function createDenoMainAdapter(specifics: DenoSpecifics): RuntimeAdapter {
  watchNodeProcess();
  return {
    name: "deno",
    pid: Deno.pid,
    ppid: Deno.ppid,
    spinBeforeParkMs: specifics.spinBeforeParkMs,
    threadExitIsFinal: false,
    now: () => performance.now(),
    threadId: 0,
    workerData: undefined,
    isWorkerThread: false,

    entryUrl(): string | undefined {
      const main = Deno.mainModule;
      if (!main.startsWith("file:")) return main;
      try {
        return fileUrl(Deno.realPathSync(new URL(main)));
      } catch {
        return undefined;
      }
    },

    cpuCount: () => Math.max(1, navigator.hardwareConcurrency || 1),

    env: (name) => Deno.env.get(name),

    writeStderr(text: string): void {
      let bytes = encoder.encode(text);
      while (bytes.byteLength > 0) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
    },

    exit(code: number): never {
      const proc = nodeProcessIfLoaded();
      return proc !== undefined ? proc.exit(code) : Deno.exit(code);
    },

    setExitCode(code: number): void {
      Deno.exitCode = code;
    },

    onUncaughtError(cb: (error: unknown) => void): void {
      // preventDefault: handled, as a Node `uncaughtException` listener handles it; the program
      // goes on unless `cb` ends it.
      globalThis.addEventListener("error", (event) => {
        event.preventDefault();
        cb((event as Event & { error?: unknown }).error);
      });
      globalThis.addEventListener("unhandledrejection", (event) => {
        event.preventDefault();
        cb((event as Event & { reason?: unknown }).reason);
      });
    },

    unsetEnv: (name) => Deno.env.delete(name),

    onExit(cb: (code: number) => void): void {
      // `unload` is dispatched once before the process exits, by itself or through `Deno.exit`
      // (which Node's `process.exit` calls on Deno, after its `exit` listeners), with the exit
      // code set. Node's `exit` event comes first on `process.exit`, last on an empty event loop.
      let done = false;
      const once = (code: number): void => {
        if (done) return;
        done = true;
        cb(code);
      };
      globalThis.addEventListener("unload", () => once(Deno.exitCode));
      const proc = nodeProcessIfLoaded();
      if (proc !== undefined) proc.on("exit", once);
      else nodeExitCallbacks.push(once);
    },

    unrefTimer(ms: number, cb: () => void): void {
      // Deno's global `setTimeout` returns the timer's number (the type here is Node's).
      Deno.unrefTimer(setTimeout(cb, ms) as unknown as number);
    },

    idleTimer(): Refable {
      const id = setInterval(() => {}, IDLE_TIMER_MS) as unknown as number;
      Deno.unrefTimer(id);
      return { ref: () => Deno.refTimer(id), unref: () => Deno.unrefTimer(id) };
    },

    spawnProcess(entry: URL, env: Record<string, string>): OsChild {
      const { command, args } = specifics.scriptCommand(decodeURIComponent(entry.pathname));
      return spawnCommand(command, args, env);
    },

    startThread: startNodeWorker,

    signalPid(pid: number, signal: "SIGTERM" | "SIGKILL" | 0): boolean {
      if (signal === 0) return signalWithNode(pid, 0); // Deno.kill has no signal 0
      try {
        Deno.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    },

    listen: (onConnection) => listenUnix(socketPath(tmpdir(), Deno.pid), onConnection),

    connect: (path, patienceMs) => connectWithRetry(connectUnix, path, patienceMs),

    signalNumber: signalNumberOf,
  };
}
