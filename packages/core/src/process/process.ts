/**
 * `Process`: run a task in a child — an OS process or a worker thread — with Python's semantics.
 *
 * @module
 */
import { adapter } from "../runtime/index.ts";
import { ProcessStateError, TaskError } from "../errors.ts";
import { taskRef, type ModuleMeta, type Task, type TaskRef } from "../task.ts";
import { startChild, type RunningChild } from "./spawn.ts";
import { self, type ContextName } from "./state.ts";

/**
 * Anything that names a context: `"process"`, `"thread"`, or a context object from
 * `getContext()`.
 */
export type ContextLike = ContextName | NamedContext;

/**
 * Anything with a context name, such as a `Context` from `getContext()`.
 *
 * @example
 * ```ts
 * import { getContext, type NamedContext } from "@multiproc/core";
 * const ctx: NamedContext = getContext("thread");
 * ```
 */
export interface NamedContext {
  /** `"process"` or `"thread"`. */
  readonly name: ContextName;
}

/**
 * Options for a new {@link Process}; all are optional, as in Python.
 *
 * @typeParam A - the target's parameter types.
 */
export interface ProcessOptions<A extends unknown[] = unknown[]> {
  /** The task the child runs (made with `task()`); the default `run()` calls it with `args`. */
  target?: Task<A, unknown>;
  /** The arguments for `target`, copied to the child when it starts. */
  args?: A;
  /** The process's name; by default `Process-N` (`Process-1:2` for the second child of Process-1). */
  name?: string;
  /** Whether the process is daemonic (terminated when its parent exits); by default the parent's flag. */
  daemon?: boolean;
  /** How the child runs: `"process"` (an OS process) or `"thread"` (a worker thread); by default the default context. */
  context?: ContextLike;
}

/** What the child is sent when it starts. */
export interface StartInfo {
  readonly target: TaskRef | null;
  readonly subclass: TaskRef | null;
  readonly name: string;
  readonly daemon: boolean;
  readonly identity: number[];
  readonly context: ContextName;
  readonly defaultContext: ContextName | undefined;
  readonly parent: { name: string; pid: number; threadId: number };
  readonly preload: string[];
}

const subclasses = new Map<Function, TaskRef>();
const subclassesByRef = new Map<string, Map<string, Function>>();

/** Makes processes that stand for the current process inside a child (see `child.ts`). */
export const rehydrate = Symbol("multiproc.rehydrate");

type Phase = "initial" | "started" | "closed" | "self";

function contextName(context: ContextLike | undefined): ContextName | undefined {
  if (context === undefined) return undefined;
  const name = typeof context === "string" ? context : context?.name;
  if (name !== "process" && name !== "thread") {
    throw new TypeError(`unknown context ${JSON.stringify(name)}: use "process" or "thread"`);
  }
  return name;
}

/** The context a process with no `context` option uses: the default, else `"process"`. */
export function defaultContextName(): ContextName {
  return self.defaultContext ?? "process";
}

/**
 * A child process, as in Python's `multiprocessing.Process`: give it a task and arguments, or
 * subclass it and override {@link Process.run}; `start()` it, then `await join()` it.
 *
 * It runs either as an OS process (`context: "process"`, the default) or as a worker thread
 * (`context: "thread"`). What `pid` means differs: an OS process has its own pid; a worker thread
 * shares the pid of the process it runs in and has its own `threadId`.
 *
 * Exit codes are Python's: `null` while running, `0` when `run()` returns (an async `run()` is
 * awaited), `1` when it throws (the child prints `Process <name>:` and the stack on stderr), `n`
 * when the child calls `process.exit(n)`, and `-N` when it is killed by signal N (`terminate()` →
 * -15, `kill()` → -9; a worker thread reports the same codes though threads have no signals).
 *
 * A child that returns or throws first waits until what it handed to objects owned elsewhere
 * (items put on a queue, a lock released) has arrived. `process.exit(n)` ends it at once, like
 * Python's `os._exit(n)`: what it put is sent on its way as it exits, which completes when the
 * socket takes it at once (small items: every one of 3,000 puts arrived in 20 runs on each
 * runtime), but a large last item may not have left it. Return from the task, or throw, when
 * its last puts matter.
 *
 * @typeParam A - the target's parameter types.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 *
 * export const greet = task(import.meta, function greet(name: string) {
 *   console.log(`hello, ${name}`);
 * });
 *
 * if (isMain(import.meta)) {
 *   const p = new Process({ target: greet, args: ["world"] });
 *   p.start();
 *   await p.join();
 *   console.log(p.exitCode); // 0
 * }
 * ```
 */
export class Process<A extends unknown[] = unknown[]> {
  #target: Task<A, unknown> | undefined;
  #args: A;
  #name: string;
  #daemon: boolean;
  #context: ContextName | undefined;
  #identity: number[];
  #phase: Phase = "initial";
  #child: RunningChild | undefined;
  #exitCode: number | null = null;
  #stoppedWith: number | undefined;
  #exited: Promise<number> | undefined;
  #joining = 0;

  /**
   * Creates a process; nothing runs until {@link Process.start}.
   *
   * @param options - target, args, name, daemon and context, all optional.
   * @throws TypeError for an unknown context or a name that is not a string.
   */
  constructor(options: ProcessOptions<A> = {}) {
    if ((options as unknown) === rehydrate) {
      // Inside a child: child.ts fills this object in as the current process.
      this.#args = [] as unknown as A;
      this.#name = self.name;
      this.#daemon = self.daemon;
      this.#identity = self.identity;
      this.#phase = "self";
      return;
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError("new Process(options): options must be an object such as { target, args }");
    }
    this.#identity = [...self.identity, ++self.counter];
    this.#target = options.target;
    this.#args = (options.args ?? []) as A;
    if (!Array.isArray(this.#args)) throw new TypeError("new Process({ args }): args must be an array");
    if (options.name !== undefined && typeof options.name !== "string") {
      throw new TypeError("new Process({ name }): name must be a string");
    }
    this.#name = options.name ?? `Process-${this.#identity.join(":")}`;
    this.#daemon = options.daemon ?? self.daemon;
    this.#context = contextName(options.context ?? (new.target as unknown as { defaultContext?: ContextLike }).defaultContext);
  }

  /**
   * Registers a subclass of `Process` so that a child can rebuild it: the child imports the
   * class's module, creates an instance without calling its constructor, copies the instance's
   * own enumerable fields into it (they travel like arguments), and calls `run()`. Python's
   * pickling does the same. Call it in a static block of the class.
   *
   * @param meta - `import.meta` of the module that defines the class.
   * @param cls - the subclass.
   * @throws TaskError if `cls` does not extend Process or another class of that name is registered.
   *
   * @example
   * ```ts
   * import { Process } from "@multiproc/core";
   *
   * export class Countdown extends Process {
   *   static {
   *     Process.register(import.meta, this);
   *   }
   *   from: number;
   *   constructor(from: number) {
   *     super();
   *     this.from = from;
   *   }
   *   override run(): void {
   *     for (let i = this.from; i > 0; i--) console.log(i);
   *   }
   * }
   * ```
   */
  static register(meta: ModuleMeta, cls: abstract new (...args: never[]) => Process<any>): void {
    if (typeof cls !== "function" || !(cls.prototype instanceof Process)) {
      throw new TaskError("Process.register(import.meta, cls): cls must be a class that extends Process");
    }
    if (meta === null || typeof meta !== "object" || typeof meta.url !== "string") {
      throw new TaskError("Process.register(import.meta, cls): the first argument must be import.meta");
    }
    let byName = subclassesByRef.get(meta.url);
    if (byName === undefined) {
      byName = new Map();
      subclassesByRef.set(meta.url, byName);
    }
    const existing = byName.get(cls.name);
    if (existing !== undefined && existing !== cls && String(existing) !== String(cls)) {
      throw new TaskError(`Process.register: ${meta.url} already registered another class named ${cls.name}`);
    }
    byName.set(cls.name, cls);
    subclasses.set(cls, { moduleUrl: meta.url, name: cls.name });
  }

  /**
   * Finds a registered subclass after importing its module (in a child).
   *
   * @internal
   */
  static async resolveSubclass(ref: TaskRef): Promise<Function> {
    await import(ref.moduleUrl);
    const cls = subclassesByRef.get(ref.moduleUrl)?.get(ref.name);
    if (cls === undefined) {
      throw new TaskError(
        `the Process subclass ${ref.name} was not registered when ${ref.moduleUrl} was imported: ` +
          "add `static { Process.register(import.meta, this); }` to the class",
      );
    }
    return cls;
  }

  /**
   * What the child runs. The default calls `target(...args)` and awaits it; a subclass overrides
   * it. A return value is ignored (use a `Queue` or `Pipe` to send results back); a thrown error
   * makes the exit code 1.
   *
   * @returns whatever the target returns, awaited by the child.
   *
   * @example
   * ```ts
   * import { Process } from "@multiproc/core";
   * export class Hello extends Process {
   *   static {
   *     Process.register(import.meta, this);
   *   }
   *   override async run(): Promise<void> {
   *     console.log(`hello from ${this.name}`);
   *   }
   * }
   * ```
   */
  run(): unknown {
    return this.#target?.(...this.#args);
  }

  /**
   * Starts the child: it returns at once, while the child starts running `run()`. The arguments
   * (and a subclass's fields) are copied now, so later changes to them do not reach the child.
   *
   * @throws ProcessStateError if the process was started before, is closed, is the current
   *   process, or if the current process is daemonic (daemonic processes may not have children).
   * @throws TaskError if the target is not a task, or the subclass is not registered.
   * @throws SerializationError if an argument cannot be sent to a child (a function, say).
   *
   * @example
   * ```ts
   * const p = new Process({ target: work, args: [1, 2] });
   * p.start();
   * console.log(p.pid, p.isAlive()); // a pid, true
   * ```
   */
  start(): void {
    this.#checkNotClosed();
    if (this.#phase === "self") throw new ProcessStateError("a process cannot start itself");
    if (this.#phase !== "initial") throw new ProcessStateError("cannot start a process twice");
    if (self.daemon) throw new ProcessStateError("daemonic processes are not allowed to have children");
    const subclass = this.constructor === Process || isContextProcess(this.constructor) ? null : subclasses.get(this.constructor);
    if (subclass === undefined) {
      throw new TaskError(
        `${this.constructor.name} extends Process but is not registered, so a child cannot rebuild it: ` +
          "add `static { Process.register(import.meta, this); }` to the class",
      );
    }
    const target = this.#target === undefined ? null : taskRef(this.#target, "new Process({ target })");
    if (target === null && subclass === null) {
      throw new TaskError("new Process(): give a target task, or subclass Process and override run()");
    }
    const context = this.#context ?? defaultContextName();
    const info: StartInfo = {
      target,
      subclass,
      name: this.#name,
      daemon: this.#daemon,
      identity: this.#identity,
      context,
      defaultContext: self.defaultContext,
      parent: { name: self.name, pid: adapter.pid, threadId: adapter.threadId },
      preload: [...self.preload],
    };
    const state = subclass === null ? undefined : { ...this };
    const child = startChild(context, this.#name, [
      { type: "args", data: this.#args, path: "args" },
      ...(state === undefined ? [] : [{ type: "state", data: state, path: "this" }]),
      { type: "start", data: info },
    ]);
    this.#child = child;
    this.#phase = "started";
    child.setKeepsAlive(!this.#daemon);
    installExitHook();
    const exited = child.exited.then((status) => {
      self.children.delete(live);
      if (context === "thread") for (const hook of self.threadChildExitHooks) hook(child.threadId);
      const code =
        this.#stoppedWith !== undefined && context === "thread"
          ? this.#stoppedWith
          : status.signal !== null
            ? -adapter.signalNumber(status.signal)
            : (status.code ?? 1);
      this.#exitCode = code;
      return code;
    });
    const live = { daemon: this.#daemon, terminate: () => this.terminate(), exited, process: this };
    self.children.add(live);
    this.#exited = exited;
  }

  /**
   * Waits until the child ends, or until `timeoutMs` milliseconds have passed. It does not throw
   * on timeout: check {@link Process.exitCode} or {@link Process.isAlive} afterwards, as in Python.
   *
   * @param timeoutMs - how long to wait at most; none to wait for as long as it takes. A negative
   *   timeout acts as 0.
   * @throws ProcessStateError if the process was not started, is closed, or is the current one.
   *
   * @example
   * ```ts
   * p.start();
   * await p.join(300);
   * if (p.isAlive()) console.log("still running after 300 ms");
   * ```
   */
  async join(timeoutMs?: number): Promise<void> {
    this.#checkNotClosed();
    if (this.#phase === "self") throw new ProcessStateError("a process cannot join itself");
    if (this.#exited === undefined) throw new ProcessStateError("can only join a started process");
    if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs))) {
      throw new TypeError("join(timeoutMs): timeoutMs must be a number");
    }
    // A daemonic child does not keep this program alive, but a join waiting for it does.
    this.#joining++;
    if (this.#exitCode === null) this.#child?.setKeepsAlive(true);
    try {
      if (timeoutMs === undefined) {
        await this.#exited;
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#exited,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, timeoutMs));
        }),
      ]);
      clearTimeout(timer);
    } finally {
      if (--this.#joining === 0 && this.#daemon && this.#exitCode === null) this.#child?.setKeepsAlive(false);
    }
  }

  /**
   * Whether the child has started and not yet ended. The current process is always alive.
   *
   * @returns true while the child runs.
   * @throws ProcessStateError if the process is closed.
   *
   * @example
   * ```ts
   * p.start();
   * p.isAlive(); // true
   * await p.join();
   * p.isAlive(); // false
   * ```
   */
  isAlive(): boolean {
    this.#checkNotClosed();
    if (this.#phase === "self") return true;
    return this.#phase === "started" && this.#exitCode === null;
  }

  /**
   * Asks the child to stop: SIGTERM for an OS process (exit code -15), `terminate()` for a worker
   * thread (reported as -15 too). Python's `finally` blocks do not run in a terminated child, and
   * neither does JavaScript's. Does nothing if the child has ended or was never started.
   *
   * @throws ProcessStateError if the process is closed.
   *
   * @example
   * ```ts
   * p.terminate();
   * await p.join();
   * p.exitCode; // -15
   * ```
   */
  terminate(): void {
    this.#stop("SIGTERM");
  }

  /**
   * Kills the child: SIGKILL for an OS process (exit code -9), `terminate()` for a worker thread
   * (reported as -9).
   *
   * @throws ProcessStateError if the process is closed.
   *
   * @example
   * ```ts
   * p.kill();
   * await p.join();
   * p.exitCode; // -9
   * ```
   */
  kill(): void {
    this.#stop("SIGKILL");
  }

  #stop(signal: "SIGTERM" | "SIGKILL"): void {
    this.#checkNotClosed();
    if (this.#phase !== "started" || this.#exitCode !== null || this.#child === undefined) return;
    this.#stoppedWith ??= -adapter.signalNumber(signal);
    this.#child.stop(signal);
  }

  /**
   * Releases what the process object holds. Afterwards most methods throw. Python raises
   * `ValueError` when the process is still running, and so does this.
   *
   * @throws ProcessStateError if the child is still running.
   *
   * @example
   * ```ts
   * await p.join();
   * p.close();
   * ```
   */
  close(): void {
    if (this.#phase === "closed") return;
    if (this.#phase === "started" && this.#exitCode === null) {
      throw new ProcessStateError("cannot close a process while it is still running: join() or terminate() it first");
    }
    this.#child = undefined;
    this.#phase = "closed";
  }

  #checkNotClosed(): void {
    if (this.#phase === "closed") throw new ProcessStateError(`process object is closed (${this.#name})`);
  }

  /**
   * The child's OS process id, `undefined` before start. A worker thread shares the pid of the
   * process it runs in; use {@link Process.threadId} to tell threads apart.
   *
   * @example
   * ```ts
   * p.start();
   * console.log(`started ${p.name} as pid ${p.pid}`);
   * ```
   */
  get pid(): number | undefined {
    if (this.#phase === "self") return adapter.pid;
    this.#checkNotClosed();
    return this.#child?.pid;
  }

  /**
   * The child's thread id: the worker's id in the thread context, 0 for an OS process (whose code
   * runs on its main thread), `undefined` before start.
   *
   * @example
   * ```ts
   * const p = new Process({ target: work, context: "thread" });
   * p.start();
   * console.log(p.pid === process.pid, p.threadId); // true, a positive id
   * ```
   */
  get threadId(): number | undefined {
    if (this.#phase === "self") return adapter.threadId;
    this.#checkNotClosed();
    return this.#child?.threadId;
  }

  /**
   * The exit code: `null` until the child ends, then 0, 1, n, or -N (see the class docs).
   *
   * @example
   * ```ts
   * await p.join();
   * if (p.exitCode !== 0) console.error(`${p.name} failed with ${p.exitCode}`);
   * ```
   */
  get exitCode(): number | null {
    this.#checkNotClosed();
    return this.#exitCode;
  }

  /**
   * The process's name; it need not be unique. It can be changed at any time (the child gets the
   * name it had when it started).
   *
   * @example
   * ```ts
   * const p = new Process({ target: work, name: "downloader" });
   * p.name; // "downloader"
   * ```
   */
  get name(): string {
    return this.#name;
  }

  /** Renames the process (see the getter). */
  set name(value: string) {
    if (typeof value !== "string") throw new TypeError("name must be a string");
    this.#name = value;
    if (this.#phase === "self") self.name = value;
  }

  /**
   * Whether the process is daemonic: a daemonic child is terminated when its parent exits, and
   * may not start children of its own. Set it before `start()`.
   *
   * @throws ProcessStateError when set after start.
   *
   * @example
   * ```ts
   * const p = new Process({ target: heartbeat });
   * p.daemon = true;
   * p.start(); // ends when this program ends
   * ```
   */
  get daemon(): boolean {
    return this.#daemon;
  }

  /** Makes the process daemonic or not; only before `start()` (see the getter). */
  set daemon(value: boolean) {
    if (this.#phase !== "initial") throw new ProcessStateError("cannot set daemon status of a process that has been started");
    this.#daemon = Boolean(value);
  }

  /**
   * The context the process runs in, or will run in when started.
   *
   * @example
   * ```ts
   * new Process({ target: work, context: "thread" }).context; // "thread"
   * ```
   */
  get context(): ContextName {
    if (this.#phase === "self") return self.context ?? "process";
    return this.#context ?? defaultContextName();
  }

  /**
   * A promise of the exit code, settled when the child ends: the analogue of Python's `sentinel`,
   * for use with `Promise.race` and friends.
   *
   * @throws ProcessStateError before start.
   *
   * @example
   * ```ts
   * const first = await Promise.race([a.sentinel, b.sentinel]);
   * ```
   */
  get sentinel(): Promise<number> {
    this.#checkNotClosed();
    if (this.#exited === undefined) throw new ProcessStateError("process not started");
    return this.#exited;
  }

  /**
   * Sets the target and args inside a child (used by the child bootstrap).
   *
   * @internal
   */
  static adopt<T extends unknown[]>(p: Process<T>, target: Task<T, unknown> | undefined, args: T): void {
    p.#target = target;
    p.#args = args;
  }

  /**
   * A readable summary, like Python's repr: `<Process name='Process-1' pid=123 started>`.
   *
   * @returns the summary.
   *
   * @example
   * ```ts
   * console.log(String(p)); // <Process name='Process-1' pid=4242 started>
   * ```
   */
  toString(): string {
    const status =
      this.#phase === "closed"
        ? "closed"
        : this.#phase === "self"
          ? "started"
          : this.#exitCode !== null
            ? `stopped exitcode=${this.#exitCode}`
            : this.#phase === "started"
              ? "started"
              : "initial";
    const pid = this.#phase === "closed" ? "" : this.pid === undefined ? "" : ` pid=${this.pid}`;
    return `<${this.constructor.name} name='${this.#name}'${pid}${this.#daemon ? " daemon" : ""} ${status}>`;
  }
}

let exitHookInstalled = false;

/** At exit, daemonic children are terminated (non-daemonic ones kept this process alive). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  adapter.onExit(() => {
    for (const child of self.children) if (child.daemon) child.terminate();
  });
}

const contextProcessClasses = new Set<Function>();

/**
 * Marks a class as a context's own `Process` class (no registration needed: the child rebuilds a
 * plain `Process`).
 *
 * @internal
 */
export function markContextProcess(cls: Function): void {
  contextProcessClasses.add(cls);
}

function isContextProcess(cls: Function): boolean {
  return contextProcessClasses.has(cls);
}
