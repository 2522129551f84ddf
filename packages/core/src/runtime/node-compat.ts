/**
 * The parts of the runtime adapter built on Node's APIs (`node:child_process`,
 * `node:worker_threads`, `node:net`, `node:os`). Deno 2 and Bun implement these APIs, and the
 * same tests run on each runtime (`test/runtime.test.ts`, `test/socket.test.ts`, and every
 * process test); what differs per runtime (how to start a script, a cheaper socket client) is
 * passed in by the runtime's own adapter module.
 *
 * @internal
 * @module
 */
import type { Socket } from "node:net";
import type { ByteStream, ExitStatus, OsChild, Refable, RuntimeAdapter, StreamServer, ThreadChild } from "./adapter.ts";
import { connectWithRetry } from "./connect-retry.ts";
import type { RuntimeName } from "./detect.ts";

/** What a runtime's own adapter supplies. */
export interface RuntimeSpecifics {
  /** The runtime's name. */
  name: RuntimeName;
  /** The command line that runs a TypeScript/JavaScript file with this runtime. */
  scriptCommand(file: string): { command: string; args: string[] };
  /** See `RuntimeAdapter.spinBeforeParkMs`. */
  spinBeforeParkMs: number;
  /** See `RuntimeAdapter.threadExitIsFinal` (true unless said otherwise). */
  threadExitIsFinal?: boolean;
  /** See `RuntimeAdapter.now` (`performance.now()` unless said otherwise). */
  now?: () => number;
  /**
   * One attempt to connect to a Unix socket with the runtime's own API, when that is cheaper than
   * loading `node:net` in every child; it fails with `code` `ENOENT` / `ECONNREFUSED` as Node does.
   */
  connectUnix?: (path: string) => Promise<ByteStream>;
  /** Starts a worker thread with the runtime's own API, when that is cheaper (see `startThread`). */
  startThread?: RuntimeAdapter["startThread"];
  /**
   * Whether this is a process's main thread, told without loading `node:worker_threads`, when
   * the runtime can (loading it costs Bun ~9 ms of every start). A main thread has no thread id,
   * no worker data and no parent port; a worker thread still reads them from the module.
   */
  isMainThread?: () => boolean;
}

/** What `node:worker_threads` says about the calling thread. */
interface ThreadInfo {
  readonly threadId: number;
  readonly workerData: unknown;
  readonly isWorkerThread: boolean;
}

/** The calling thread's {@link ThreadInfo}: from `specifics.isMainThread` when it says so, else from `node:worker_threads`. */
function threadInfo(specifics: RuntimeSpecifics): ThreadInfo {
  if (specifics.isMainThread?.() === true) return { threadId: 0, workerData: null, isWorkerThread: false };
  const { parentPort, threadId, workerData } = process.getBuiltinModule("node:worker_threads");
  return { threadId, workerData, isWorkerThread: parentPort !== null };
}

/**
 * Builtins, looked up when the adapter is made or on first use (`process.getBuiltinModule`, on
 * all three runtimes), never imported: this module is also loaded on a Deno main thread, which
 * uses Deno's own APIs (`deno-main.ts`), and there the first touch of Node's APIs (even of the
 * `process` global) costs ~30 ms. A child that never starts a process or opens a socket does not
 * pay for `node:child_process` and `node:net` anywhere.
 */
function childProcess(): typeof import("node:child_process") {
  return process.getBuiltinModule("node:child_process");
}

function net(): typeof import("node:net") {
  return process.getBuiltinModule("node:net");
}

/** `node:fs` without its ESM wrapper, which reads every export and so loads fs streams. */
function fs(): typeof import("node:fs") {
  return process.getBuiltinModule("node:fs");
}

/**
 * `node:os` and `node:url`, on first use (the cpu count, socket paths, entry URLs): a worker
 * thread child that runs a task asks for none of them.
 */
function os(): typeof import("node:os") {
  return process.getBuiltinModule("node:os");
}

function url(): typeof import("node:url") {
  return process.getBuiltinModule("node:url");
}

/**
 * The period of `RuntimeAdapter.idleTimer`'s interval: 2^30 ms (about 12 days), so that it
 * almost never runs (it does nothing when it does).
 *
 * @example
 * ```ts
 * setInterval(() => {}, IDLE_TIMER_MS);
 * ```
 */
export const IDLE_TIMER_MS = 2 ** 30;

/** A unique enough name part: not a secret, only distinct from other sockets of this pid. */
let socketCounter = 0;
function uniqueSuffix(): string {
  return `${(++socketCounter).toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

function wrapSocket(socket: Socket): ByteStream {
  let closed = false;
  let ended = false; // writes after end() are dropped (Node would fail the socket with them)
  const closeCallbacks: Array<(error?: Error) => void> = [];
  let failure: Error | undefined;
  socket.on("error", (err) => {
    failure = err;
  });
  socket.on("close", () => {
    closed = true;
    for (const cb of closeCallbacks) cb(failure);
  });
  return {
    write: (bytes) => {
      if (!closed && !ended) socket.write(bytes);
    },
    // An empty write's callback comes after the writes before it have been made (after end(),
    // `finish` does). Not `writableLength === 0`: Node counts a write made on the spot as done
    // when `write` returns, but Deno's layer can count it so before its write has happened.
    written: () => {
      if (closed) return Promise.resolve();
      return new Promise((resolve) => {
        if (!ended) socket.write(new Uint8Array(0), () => resolve());
        else {
          socket.once("finish", () => resolve());
          socket.once("close", () => resolve());
        }
      });
    },
    onData: (cb) => socket.on("data", (chunk: Uint8Array) => cb(chunk)),
    onClose: (cb) => {
      if (closed) queueMicrotask(() => cb(failure));
      else closeCallbacks.push(cb);
    },
    end: () => {
      ended = true;
      socket.end();
    },
    destroy: () => socket.destroy(),
    ref: () => socket.ref(),
    unref: () => socket.unref(),
  };
}

function connectWithNodeNet(path: string): Promise<ByteStream> {
  return new Promise<ByteStream>((resolve, reject) => {
    const socket = net().connect(path);
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(wrapSocket(socket));
    });
  });
}

/**
 * A fresh socket path in the temp directory `dir` for the process `pid`.
 *
 * @example
 * ```ts
 * socketPath("/tmp", 1234); // "/tmp/multiproc-1234-1k3j5h2g.sock"
 * ```
 */
export function socketPath(dir: string, pid: number): string {
  return `${dir.endsWith("/") ? dir.slice(0, -1) : dir}/multiproc-${pid}-${uniqueSuffix()}.sock`;
}

/**
 * Starts `entry` as a `node:worker_threads` worker (see `RuntimeAdapter.startThread`): what Node
 * uses, and Deno too, where its web `Worker` cannot be unref'd and has no exit code.
 *
 * @example
 * ```ts
 * const child = startNodeWorker(new URL("./child.ts", import.meta.url), { n: 1 }, console.error);
 * console.log((await child.exited).code);
 * ```
 */
export function startNodeWorker(entry: URL, workerData: unknown, onError: (error: unknown) => void, transfer: ArrayBuffer[] = []): ThreadChild {
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const worker = new Worker(entry, { workerData, transferList: transfer });
  // Handled here, an error is not rethrown in the parent.
  worker.on("error", onError);
  let ended = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    worker.on("exit", (code) => {
      ended = true;
      resolve({ code, signal: null });
    });
  });
  return {
    threadId: worker.threadId,
    exited,
    terminate: () => void worker.terminate(),
    ref: () => {
      if (!ended) worker.ref();
    },
    unref: () => {
      if (!ended) worker.unref();
    },
  };
}

/**
 * Sends `signal` to the process `pid` (0: only checks that it exists) with `process.kill`.
 *
 * @returns false if there is no such process.
 * @example
 * ```ts
 * if (!signalWithNode(pid, 0)) console.log("gone");
 * ```
 */
export function signalWithNode(pid: number, signal: "SIGTERM" | "SIGKILL" | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * The number of a signal (`"SIGTERM"` → 15), from `node:os`'s table for this platform.
 *
 * @throws Error for an unknown signal name.
 * @example
 * ```ts
 * signalNumberOf("SIGKILL"); // 9
 * ```
 */
export function signalNumberOf(signal: string): number {
  const n = (os().constants.signals as Record<string, number | undefined>)[signal];
  if (n === undefined) throw new Error(`unknown signal ${signal}`);
  return n;
}

/**
 * Builds an adapter from Node's APIs plus the runtime's specifics.
 *
 * @param specifics - what differs in this runtime.
 * @returns the adapter.
 */
export function createNodeCompatAdapter(specifics: RuntimeSpecifics): RuntimeAdapter {
  const { setTimeout: nodeSetTimeout, setInterval: nodeSetInterval } = process.getBuiltinModule("node:timers");
  const { threadId, workerData, isWorkerThread } = threadInfo(specifics);
  return {
    name: specifics.name,
    pid: process.pid,
    ppid: process.ppid,
    spinBeforeParkMs: specifics.spinBeforeParkMs,
    threadExitIsFinal: specifics.threadExitIsFinal ?? true,
    now: specifics.now ?? (() => performance.now()),
    threadId,
    workerData,
    isWorkerThread,

    entryUrl(): string | undefined {
      const script = process.argv[1];
      if (isWorkerThread || script === undefined) return undefined;
      try {
        return url().pathToFileURL(fs().realpathSync(script)).href;
      } catch {
        return undefined;
      }
    },

    cpuCount(): number {
      const { availableParallelism, cpus } = os();
      let n = 0;
      try {
        n = typeof availableParallelism === "function" ? availableParallelism() : 0;
      } catch {
        n = 0;
      }
      if (!Number.isInteger(n) || n < 1) n = cpus().length;
      return Math.max(1, n);
    },

    env: (name) => process.env[name],

    writeStderr(text: string): void {
      process.stderr.write(text);
    },

    exit(code: number): never {
      process.exit(code);
    },

    setExitCode(code: number): void {
      process.exitCode = code;
    },

    onUncaughtError(cb: (error: unknown) => void): void {
      process.on("uncaughtException", cb);
      process.on("unhandledRejection", cb);
    },

    unsetEnv(name: string): void {
      delete process.env[name];
    },

    onExit(cb: (code: number) => void): void {
      process.on("exit", (code) => cb(typeof code === "number" ? code : 0));
    },

    unrefTimer(ms: number, cb: () => void): void {
      // node:timers, not the global: Deno's global setTimeout returns a number, without unref().
      nodeSetTimeout(cb, ms).unref();
    },

    idleTimer(): Refable {
      const timer = nodeSetInterval(() => {}, IDLE_TIMER_MS);
      timer.unref();
      return { ref: () => timer.ref(), unref: () => timer.unref() };
    },

    spawnProcess(entry: URL, env: Record<string, string>): OsChild {
      const { command, args } = specifics.scriptCommand(url().fileURLToPath(entry));
      const child = childProcess().spawn(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
      const exited = new Promise<ExitStatus>((resolve) => {
        child.on("exit", (code, signal) => resolve({ code, signal }));
        child.on("error", (err) => {
          process.stderr.write(`multiproc: could not start ${command}: ${err.message}\n`);
          resolve({ code: 127, signal: null });
        });
      });
      if (child.pid === undefined) {
        // spawn failed synchronously (ENOENT...): `exited` settles via the error event.
      }
      return {
        pid: child.pid ?? -1,
        exited,
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
        // Around exit, Deno throws BadResource on ref/unref (even before exitCode is set):
        // there is nothing left to keep alive then.
        ref: () => {
          try {
            if (child.exitCode === null && child.signalCode === null) child.ref();
          } catch {
            // already gone
          }
        },
        unref: () => {
          try {
            if (child.exitCode === null && child.signalCode === null) child.unref();
          } catch {
            // already gone
          }
        },
      };
    },

    startThread: specifics.startThread ?? startNodeWorker,

    signalPid: signalWithNode,

    listen(onConnection: (stream: ByteStream) => void): StreamServer {
      const path = socketPath(os().tmpdir(), process.pid);
      const server = net().createServer((socket) => onConnection(wrapSocket(socket)));
      server.on("error", (err) => process.stderr.write(`multiproc: the socket ${path} failed: ${err.message}\n`));
      server.listen(path);
      return {
        path,
        close: () => {
          server.close();
          fs().rmSync(path, { force: true });
        },
        ref: () => server.ref(),
        unref: () => server.unref(),
      };
    },

    connect: (path, patienceMs) => connectWithRetry(specifics.connectUnix ?? connectWithNodeNet, path, patienceMs),

    signalNumber: signalNumberOf,
  };
}
