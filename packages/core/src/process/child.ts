/**
 * The child's side of a start: receive what to run, become that process, run it, wait for its
 * own non-daemonic children, and exit with Python's exit code.
 *
 * @internal
 * @module
 */
import { adapter } from "../runtime/index.ts";
import { callsInFlight, drainCalls } from "../remote/objects.ts";
import { resolveTask } from "../task.ts";
import type { Receiver } from "./channel.ts";
import { setCurrentProcess } from "./current.ts";
import { Process, rehydrate, type StartInfo } from "./process.ts";
import { self } from "./state.ts";

/** Prints an error the way Python prints an exception that ended a process. */
function report(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `uncaught value: ${String(error)}`;
  adapter.writeStderr(`Process ${self.name}:\n${text}\n`);
}

/** Waits for non-daemonic children and terminates daemonic ones, as Python does at exit. */
async function settleChildren(): Promise<void> {
  for (const child of [...self.children]) if (child.daemon) child.terminate();
  await Promise.all([...self.children].map((child) => child.exited));
}

/** Tells the parent the code this child is about to exit with (see `runChild`). */
let announceExit: ((code: number) => void) | undefined;

/** Tells the parent, once, the code this child is exiting with, when it can be told. */
function announceOnce(code: number): void {
  const tell = announceExit;
  announceExit = undefined;
  try {
    tell?.(code);
  } catch {
    // The parent is gone: nobody is left to tell.
  }
}

/** Ends this child with `code`, telling the parent first when it can be told. */
function exit(code: number): never {
  announceOnce(code);
  return adapter.exit(code);
}

/** How a child is connected to its parent (see {@link runChild}). */
export interface ChildLink {
  /**
   * Tells the parent the exit code just before the child exits (an OS process's exit can hang in
   * the runtime: see `EXIT_GRACE_MS` in `spawn.ts`).
   */
  announce?: (code: number) => void;
  /**
   * Whether the channel to the parent keeps this child's event loop alive until the child exits
   * (a socket that stays open and ref'd: an OS process's). A worker thread's start channel does
   * not, and the child then keeps itself alive with a timer.
   */
  channelKeepsAlive?: boolean;
}

/**
 * Runs this child: waits for the parent's `args`, `state` and `start` messages, then runs.
 * Never returns: the child exits when `run()` is done.
 *
 * @param link - what the channel to the parent does besides delivering messages.
 */
export function runChild(channel: Receiver, link: ChildLink = {}): void {
  const { announce, channelKeepsAlive = false } = link;
  announceExit = announce;
  // A target that ends the process itself (`process.exit(3)`) is announced too: this listener
  // runs before the runtime shuts down, where the exit can hang.
  if (announce !== undefined) adapter.onExit(announceOnce);
  // Arguments and fields may hold handles of kinds that the task's module registers when it
  // is imported (a Queue from @multiproc/ipc, say): they are decoded after that import.
  let args: () => unknown = () => [];
  let state: (() => unknown) | undefined;
  channel.onLazy("args", (decode) => {
    args = decode;
  });
  channel.onLazy("state", (decode) => {
    state = decode;
  });
  channel.on("start", (data) => {
    const info = data as StartInfo;
    self.name = info.name;
    self.identity = info.identity;
    self.counter = 0;
    self.daemon = info.daemon;
    self.context = info.context;
    self.defaultContext = info.defaultContext;
    self.parent = info.parent;
    let failing = false;
    adapter.onUncaughtError((error) => {
      report(error);
      // What it put before the error still arrives; a second error exits at once. (Bun ends a
      // worker thread after an uncaught error unless it exits in the handler: exit at once when
      // there is nothing to wait for.)
      if (failing || !callsInFlight()) exit(1);
      failing = true;
      void drainCalls().finally(() => exit(1));
    });
    // A child runs until its target settles, as in Python, even when nothing else keeps its
    // event loop alive (a target awaiting a promise nobody settles waits until it is terminated):
    // the exit at the end of `run` ends it, not an empty event loop. A timer keeps a worker thread
    // alive; an OS process's open socket to its parent already does (and on Deno, a process's
    // first timer costs 8–20 ms: measured in a child, 20 ms of a 100 ms start+join).
    if (!channelKeepsAlive) setInterval(() => {}, 1 << 30);
    void run(info, args, state);
  });
}

async function run(info: StartInfo, args: () => unknown, state: (() => unknown) | undefined): Promise<never> {
  let code = 0;
  try {
    for (const url of info.preload) {
      self.preload.add(url);
      await import(url);
    }
    const cls = info.subclass === null ? Process : await Process.resolveSubclass(info.subclass);
    const target = info.target === null ? undefined : await resolveTask(info.target);
    // Once more, now that the target's modules are loaded, and before it runs: on a Deno main
    // thread an exit callback also becomes a Node `exit` listener only once something has loaded
    // Deno's Node layer (see `runtime/deno-main.ts`), and it must come before the target's own.
    if (announceExit !== undefined) adapter.onExit(announceOnce);
    const proc = Reflect.construct(Process, [rehydrate], cls) as Process<unknown[]>;
    if (state !== undefined) Object.assign(proc, state());
    Process.adopt(proc, target, args() as unknown[]);
    setCurrentProcess(proc);
    await proc.run();
  } catch (error) {
    report(error);
    code = 1;
  }
  await settleChildren();
  for (const hook of self.beforeExitHooks) {
    try {
      await hook();
    } catch (error) {
      report(error);
    }
  }
  // Whatever this child sent to objects owned elsewhere (items put on a queue, a lock released)
  // has arrived before it exits; a posted call that failed there and was not reported yet is
  // reported now.
  const failedPosts = await drainCalls();
  for (const error of failedPosts) report(error);
  if (failedPosts.length > 0) code = 1;
  return exit(code);
}
