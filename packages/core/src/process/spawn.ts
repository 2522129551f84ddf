/**
 * Starting a child in either context and connecting its channel. The rest of `Process` does not
 * care which context a child runs in: it sees a {@link RunningChild}.
 *
 * @internal
 * @module
 */
import { expectChild, forgetChild, localServer } from "../remote/server.ts";
import { siblingModule } from "../sibling.ts";
import { adapter, type ExitStatus } from "../runtime/index.ts";
import { encodeThreadMessages, StreamChannel, type OutgoingMessage } from "./channel.ts";
import type { ContextName } from "./state.ts";

/** A started child, in either context. */
export interface RunningChild {
  /** The child's OS pid (the parent's own pid for a worker thread). */
  readonly pid: number;
  /** The child's thread id: a worker's id, or 0 for an OS process. */
  readonly threadId: number;
  /** Resolves when the child has ended. */
  readonly exited: Promise<ExitStatus>;
  /** Stops the child: a signal for an OS process, `terminate()` for a thread. */
  stop(signal: "SIGTERM" | "SIGKILL"): void;
  /** Whether the child keeps this process alive until it ends. */
  setKeepsAlive(keep: boolean): void;
}

/** The module the child runs first; it connects back and runs what it is sent. */
export const childEntry = siblingModule(import.meta.url, "child-main");

/** Environment variables that tell a child OS process how to reach its parent. */
export const socketEnv = "MULTIPROC_SOCKET";
/** The token a child OS process presents when it connects. */
export const tokenEnv = "MULTIPROC_TOKEN";

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * How long a child OS process may take to end after it said it is exiting (with its code) before
 * its parent kills it and reports that code. Node's `process.exit()` can hang for good: its main
 * thread joins a V8 worker thread that, compiling, waits for a garbage collection that only the
 * main thread could run (nodejs/node#54918; seen about once in 100 runs of a child moving large
 * items, under load). A healthy exit takes milliseconds.
 *
 * @example
 * ```ts
 * await p.join(EXIT_GRACE_MS + 1000); // a child stuck in its exit has ended by then
 * ```
 */
export const EXIT_GRACE_MS = 2000;

/** Starts a child OS process running the child entry; `start` goes to it once it connects. */
function spawnOsProcess(start: readonly OutgoingMessage[]): RunningChild {
  const srv = localServer();
  const token = randomToken();
  const channel = new StreamChannel();
  channel.unref();
  // Encoded now, so that data that cannot be sent throws before a child exists.
  for (const { type, data, path } of start) channel.send(type, data, path);
  expectChild(token, channel);
  const child = adapter.spawnProcess(childEntry, { [socketEnv]: srv.path, [tokenEnv]: token });
  let ended = false;
  let announced: number | undefined;
  channel.on("exiting", (code) => {
    if (typeof code !== "number") return;
    adapter.unrefTimer(EXIT_GRACE_MS, () => {
      if (ended) return;
      announced = code;
      child.kill("SIGKILL");
    });
  });
  const exited = child.exited.then((status) => {
    ended = true;
    forgetChild(token);
    channel.close();
    // Killed here, stuck in its exit: it ends as it said it would.
    return announced !== undefined && status.signal === "SIGKILL" ? { code: announced, signal: null } : status;
  });
  return {
    pid: child.pid,
    threadId: 0,
    exited,
    stop: (signal) => child.kill(signal),
    setKeepsAlive: (keep) => (keep ? child.ref() : child.unref()),
  };
}

/** Starts a worker thread running the child entry, with `start` in its initial data. */
function startWorkerThread(name: string, start: readonly OutgoingMessage[]): RunningChild {
  // Encoded first, so that data that cannot be sent throws before a worker exists.
  const { wires, transfer } = encodeThreadMessages(start);
  const worker = adapter.startThread(
    childEntry,
    { multiprocChild: true, start: wires },
    (error) => {
      // Errors from the child's own code are reported by the child (child.ts); this is one it
      // could not report, such as a failure to load its modules.
      const text = error instanceof Error ? (error.stack ?? String(error)) : String(error);
      adapter.writeStderr(`Process ${name}:\n${text}\n`);
    },
    transfer,
  );
  return {
    pid: adapter.pid,
    threadId: worker.threadId,
    exited: worker.exited,
    stop: () => worker.terminate(),
    setKeepsAlive: (keep) => (keep ? worker.ref() : worker.unref()),
  };
}

/**
 * Starts a child in `context`, sending it `start`: the messages it needs to run (see `child.ts`).
 *
 * @throws SerializationError if a message's data cannot be sent; no child is started then.
 */
export function startChild(context: ContextName, name: string, start: readonly OutgoingMessage[]): RunningChild {
  return context === "thread" ? startWorkerThread(name, start) : spawnOsProcess(start);
}
