/**
 * `Manager`: Python's `multiprocessing.Manager()`, for both contexts. A server process holds
 * shared objects; other processes reach them through proxies.
 *
 * @module
 */
import {
  Process,
  reduceSymbol,
  type Barrier,
  type BarrierOptions,
  type BoundedSemaphore,
  type Condition,
  type ContextLike,
  type Event,
  type InputOf,
  type Lock,
  type ReducedHandle,
  type RLock,
  type Semaphore,
  type SharedArray,
  type SynchronizedOptions,
  type Typecode,
  type Value,
} from "@multiproc/core";
import { callRemote, type RemoteAddress } from "@multiproc/core/internal";
import { QueueClosedError } from "./errors.ts";
import { entriesOf, type DictInit, type DictKey, type DictProxy } from "./manager-dict.ts";
import {
  ManagerShutdownError,
  ManagerStartError,
  shutdownMessage,
  translateGone,
  type AttributeError,
  type IndexError,
  type KeyError,
  type ValueError,
} from "./manager-errors.ts";
import { itemsOf, type ListProxy } from "./manager-list.ts";
import type { NamespaceProxy } from "./manager-namespace.ts";
import { markStopped } from "./manager-proxy.ts";
import { serveManager } from "./manager-server.ts";
import { SimpleQueue, type JoinableQueue, type Queue, type QueueOptions } from "./queue.ts";

/**
 * Options of {@link Manager.start}.
 *
 * @example
 * ```ts
 * import { Manager, type ManagerOptions } from "@multiproc/ipc";
 * const options: ManagerOptions = { context: "thread", name: "shared-state" };
 * await using manager = await Manager.start(options);
 * ```
 */
export interface ManagerOptions {
  /** Where the server runs: `"process"` (an OS process) or `"thread"` (a worker thread); by default the default context. */
  context?: ContextLike;
  /** The server process's name; by default `SyncManager-N`, as in Python. */
  name?: string;
}

/** How long `shutdown()` lets the server end by itself before terminating it. */
const SHUTDOWN_GRACE_MS = 2_000;

const constructing = Symbol("Manager.start");

/**
 * `promise`, keeping the program alive until it settles: the server is a daemonic child, which
 * does not keep its parent alive, and a program must not end in the middle of `start()` or
 * `shutdown()`.
 */
async function keepingAlive<T>(promise: Promise<T>): Promise<T> {
  const timer = setInterval(() => {}, 1_000_000_000);
  try {
    return await promise;
  } finally {
    clearInterval(timer);
  }
}

/**
 * A manager (Python's `multiprocessing.Manager()`): a server — a daemonic child in the chosen
 * context — that holds shared objects, and methods that create them there. Start it with
 * `await Manager.start()`, and shut it down with `await manager.shutdown()` or by declaring it
 * with `await using`.
 *
 * - `dict()`, `list()` and `namespace()` return proxies ({@link DictProxy}, {@link ListProxy},
 *   {@link NamespaceProxy}) whose methods are async and run in the manager, one call at a time.
 * - `Lock()`, `RLock()`, `Semaphore()`, `BoundedSemaphore()`, `Event()`, `Condition()`,
 *   `Barrier()`, `Queue()`, `JoinableQueue()`, `Value()` and `Array()` create the real multiproc
 *   object in the manager's process and return it: it already reaches its owner from anywhere.
 *   Their thread-only synchronous methods (`acquireSync()`, `value.value`…) are not available,
 *   since their memory is in the manager, not here.
 *
 * Proxies and objects can be passed to children (as `Process` args, `Pool` initargs, queue items).
 * Errors thrown in the manager keep their class: {@link KeyError}, {@link IndexError},
 * {@link ValueError}, {@link AttributeError}, `TypeError`…
 *
 * **Values are copied**: a value read through a proxy is a copy, and changing it changes nothing
 * in the manager until you assign it back (Python's rule for mutable values in managed
 * containers):
 *
 * ```ts
 * const d = await manager.dict<string, number[]>({ scores: [] });
 * const scores = await d.get("scores");
 * scores.push(10);                  // only the local copy changes
 * await d.set("scores", scores);    // assign it back
 * ```
 *
 * Each call is atomic, but `get` then `set` is two calls: guard a read-modify-write with a lock
 * (`manager.Lock()`), or use an atomic method (`list.append`, `dict.setDefault`, `dict.update`).
 *
 * After `shutdown()` (or if the manager's process dies), proxy calls and `Manager` methods fail
 * with {@link ManagerShutdownError}; the objects made by `Lock()`, `Queue()`… fail with
 * `OwnerGoneError`, its base class.
 *
 * An object the manager made lives until the manager shuts down, even once no proxy for it is
 * left (Python's manager frees it when its last proxy is garbage-collected): a long-running
 * program that makes many short-lived ones should reuse them, or use a manager per batch.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 * import { Manager, type DictProxy, type ListProxy } from "@multiproc/ipc";
 *
 * export const worker = task(import.meta, async function worker(counts: DictProxy<string, number>, log: ListProxy<string>, id: number) {
 *   for (let i = 0; i < 10; i++) await counts.set(`worker ${id}`, i + 1);
 *   await log.append(`worker ${id} done`);
 * });
 *
 * if (isMain(import.meta)) {
 *   await using manager = await Manager.start();
 *   const counts = await manager.dict<string, number>();
 *   const log = await manager.list<string>();
 *   const workers = [1, 2, 3].map((id) => new Process({ target: worker, args: [counts, log, id] }));
 *   workers.forEach((p) => p.start());
 *   for (const p of workers) await p.join();
 *   console.log(await counts.copy()); // Map { "worker 1" => 10, "worker 2" => 10, "worker 3" => 10 }
 *   console.log(await log.length()); // 3
 * } // the manager shuts down here
 * ```
 */
export class Manager {
  readonly #process: Process<[SimpleQueue<RemoteAddress>]>;
  readonly #registry: RemoteAddress;
  #stopping: Promise<void> | undefined;

  /** @internal Use {@link Manager.start}. */
  constructor(token: typeof constructing, process: Process<[SimpleQueue<RemoteAddress>]>, registry: RemoteAddress) {
    if (token !== constructing) throw new TypeError("use `await Manager.start()` to start a manager");
    this.#process = process;
    this.#registry = registry;
  }

  /**
   * Starts a manager: its server process (daemonic, so it never outlives this program) and waits
   * until it is ready.
   *
   * @param options - the `context` the server runs in, and its `name`.
   * @returns the running manager.
   * @throws ManagerStartError if the server's process exited before it was ready.
   * @throws ProcessStateError if this process is daemonic (it may not have children), as in Python.
   *
   * @example
   * ```ts
   * import { Manager } from "@multiproc/ipc";
   * await using manager = await Manager.start({ context: "thread" });
   * const d = await manager.dict({ greeting: "hello" });
   * console.log(await d.get("greeting")); // "hello"
   * ```
   */
  static async start(options: ManagerOptions = {}): Promise<Manager> {
    if (options === null || typeof options !== "object") throw new TypeError("Manager.start(options): options must be an object such as { context: \"thread\" }");
    const ready = new SimpleQueue<RemoteAddress>();
    const server = new Process({ target: serveManager, args: [ready], daemon: true, context: options.context, name: options.name });
    if (options.name === undefined) server.name = server.name.replace(/^Process-/, "SyncManager-");
    server.start();
    // A server that dies before it is ready closes `ready`, so that the wait below ends.
    void server.join().then(() => ready.close());
    let registry: RemoteAddress;
    try {
      registry = await keepingAlive(ready.get());
    } catch (error) {
      if (!(error instanceof QueueClosedError)) throw error;
      throw new ManagerStartError(
        `the manager process ${server.name} exited with code ${server.exitCode} before it was ready; its error is printed above, on stderr`,
      );
    }
    return new Manager(constructing, server, registry);
  }

  /**
   * The server process's name (`SyncManager-1`, say); it appears in error messages.
   *
   * @example
   * ```ts
   * const manager = await Manager.start({ name: "state" });
   * manager.name; // "state"
   * ```
   */
  get name(): string {
    return this.#process.name;
  }

  /**
   * The server's pid: its own for the `process` context, this program's for `thread` (a worker
   * thread shares its process's pid).
   *
   * @example
   * ```ts
   * const manager = await Manager.start();
   * console.log(`the manager runs as pid ${manager.pid}`);
   * ```
   */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /**
   * The server's exit code: `null` while it runs, `0` after a clean {@link Manager.shutdown},
   * negative if it was killed by a signal.
   *
   * @example
   * ```ts
   * await manager.shutdown();
   * manager.exitCode; // 0
   * ```
   */
  get exitCode(): number | null {
    return this.#process.exitCode;
  }

  async #make<R>(kind: string, args: unknown[]): Promise<R> {
    const label = `Manager.${kind}()`;
    if (this.#stopping !== undefined) throw new ManagerShutdownError(shutdownMessage(this.name, label));
    try {
      return (await callRemote(this.#registry, kind, args, { path: label })) as R;
    } catch (error) {
      throw translateGone(error, this.name, label);
    }
  }

  /**
   * Creates a shared dict in the manager.
   *
   * @typeParam K - the keys' type: strings, numbers, bigints, booleans or `null`.
   * @typeParam V - the values' type.
   * @param init - the initial entries: a Map, `[key, value]` pairs or a plain object.
   * @returns a proxy for it.
   * @throws TypeError for a key that is not a primitive; ManagerShutdownError after shutdown.
   *
   * @example
   * ```ts
   * const d = await manager.dict<string, number>({ a: 1 });
   * await d.set("b", 2);
   * console.log(await d.copy()); // Map { "a" => 1, "b" => 2 }
   * ```
   */
  async dict<K extends DictKey = string, V = unknown>(init?: DictInit<K, V>): Promise<DictProxy<K, V>> {
    return this.#make("dict", [init === undefined ? [] : entriesOf(init, "Manager.dict()")]);
  }

  /**
   * Creates a shared list in the manager.
   *
   * @typeParam T - the items' type.
   * @param init - the initial items.
   * @returns a proxy for it.
   *
   * @example
   * ```ts
   * const l = await manager.list([3, 1, 2]);
   * await l.sort();
   * console.log(await l.copy()); // [1, 2, 3]
   * ```
   */
  async list<T = unknown>(init?: Iterable<T>): Promise<ListProxy<T>> {
    return this.#make("list", [init === undefined ? [] : itemsOf(init, "Manager.list()")]);
  }

  /**
   * Creates a shared namespace (named values) in the manager (Python's `manager.Namespace()`).
   *
   * @typeParam T - the names and types of its values.
   * @param init - the initial values.
   * @returns a proxy for it.
   *
   * @example
   * ```ts
   * const ns = await manager.namespace({ round: 0 });
   * await ns.set("round", 1);
   * console.log(await ns.get("round")); // 1
   * ```
   */
  async namespace<T extends Record<string, unknown> = Record<string, unknown>>(init?: Partial<T>): Promise<NamespaceProxy<T>> {
    return this.#make("namespace", [init === undefined ? [] : entriesOf(init, "Manager.namespace()")]);
  }

  /**
   * Creates a `Lock` in the manager.
   *
   * @returns the lock.
   *
   * @example
   * ```ts
   * const lock = await manager.Lock();
   * await lock.acquire();
   * try { await d.set("n", (await d.get("n", 0)) + 1); } finally { await lock.release(); }
   * ```
   */
  Lock(): Promise<Lock> {
    return this.#make("Lock", []);
  }

  /**
   * Creates an `RLock` in the manager.
   *
   * @returns the lock.
   *
   * @example
   * ```ts
   * const rlock = await manager.RLock();
   * ```
   */
  RLock(): Promise<RLock> {
    return this.#make("RLock", []);
  }

  /**
   * Creates a `Semaphore` in the manager.
   *
   * @param value - the initial counter (default 1).
   * @returns the semaphore.
   *
   * @example
   * ```ts
   * const slots = await manager.Semaphore(2);
   * ```
   */
  Semaphore(value?: number): Promise<Semaphore> {
    return this.#make("Semaphore", [value]);
  }

  /**
   * Creates a `BoundedSemaphore` in the manager.
   *
   * @param value - the initial and largest counter (default 1).
   * @returns the semaphore.
   *
   * @example
   * ```ts
   * const slots = await manager.BoundedSemaphore(2);
   * ```
   */
  BoundedSemaphore(value?: number): Promise<BoundedSemaphore> {
    return this.#make("BoundedSemaphore", [value]);
  }

  /**
   * Creates an `Event` in the manager.
   *
   * @returns the event.
   *
   * @example
   * ```ts
   * const go = await manager.Event();
   * await go.set();
   * ```
   */
  Event(): Promise<Event> {
    return this.#make("Event", []);
  }

  /**
   * Creates a `Condition` in the manager.
   *
   * @param lock - its lock: one made by this manager (`manager.Lock()` or `manager.RLock()`);
   *   by default a new `RLock`.
   * @returns the condition.
   *
   * @example
   * ```ts
   * const ready = await manager.Condition(await manager.Lock());
   * ```
   */
  Condition(lock?: Lock | RLock): Promise<Condition> {
    return this.#make("Condition", [lock]);
  }

  /**
   * Creates a `Barrier` in the manager.
   *
   * @param parties - how many waiters each cycle needs.
   * @param options - an `action` task (run in the manager's process when a cycle completes
   *   through a remote arrival) and a default `timeout`.
   * @returns the barrier.
   *
   * @example
   * ```ts
   * const barrier = await manager.Barrier(3);
   * ```
   */
  Barrier(parties: number, options?: BarrierOptions): Promise<Barrier> {
    return this.#make("Barrier", [parties, options]);
  }

  /**
   * Creates a `Queue` in the manager.
   *
   * @typeParam T - the items' type.
   * @param options - `maxsize` for a bounded queue.
   * @returns the queue.
   *
   * @example
   * ```ts
   * const jobs = await manager.Queue<string>({ maxsize: 100 });
   * await jobs.put("first");
   * ```
   */
  Queue<T = unknown>(options?: QueueOptions): Promise<Queue<T>> {
    return this.#make("Queue", [options]);
  }

  /**
   * Creates a `JoinableQueue` in the manager.
   *
   * @typeParam T - the items' type.
   * @param options - `maxsize` for a bounded queue.
   * @returns the queue.
   *
   * @example
   * ```ts
   * const jobs = await manager.JoinableQueue<string>();
   * ```
   */
  JoinableQueue<T = unknown>(options?: QueueOptions): Promise<JoinableQueue<T>> {
    return this.#make("JoinableQueue", [options]);
  }

  /**
   * Creates a shared `Value` in the manager.
   *
   * @param typecode - its type (`"i"`, `"d"`…).
   * @param initial - its initial value (zero by default).
   * @param options - `lock`: `true` (a new RLock, the default), `false`, or a lock made by this manager.
   * @returns the value.
   *
   * @example
   * ```ts
   * const counter = await manager.Value("i", 0);
   * await counter.update((n) => n + 1);
   * ```
   */
  Value<T extends Typecode>(typecode: T, initial?: InputOf<T>, options?: SynchronizedOptions): Promise<Value<T>> {
    return this.#make("Value", [typecode, initial, options]);
  }

  /**
   * Creates a shared `Array` in the manager.
   *
   * @param typecode - the items' type (`"i"`, `"d"`…).
   * @param sizeOrItems - a length (filled with zeros) or the initial items.
   * @param options - `lock`: `true` (a new RLock, the default), `false`, or a lock made by this manager.
   * @returns the array.
   *
   * @example
   * ```ts
   * const totals = await manager.Array("d", [0, 0, 0]);
   * ```
   */
  Array<T extends Typecode>(typecode: T, sizeOrItems: number | Iterable<InputOf<T>>, options?: SynchronizedOptions): Promise<SharedArray<T>> {
    const items = typeof sizeOrItems === "number" || typeof sizeOrItems === "string" || ArrayBuffer.isView(sizeOrItems) ? sizeOrItems : itemsOf(sizeOrItems, "Manager.Array()");
    return this.#make("Array", [typecode, items, options]);
  }

  /**
   * Shuts the manager down: its server ends (it is terminated if it does not end within two
   * seconds), and every object it held is gone. Later calls through its proxies and `Manager`
   * methods fail with {@link ManagerShutdownError}. Calling it again waits for the same shutdown.
   *
   * @example
   * ```ts
   * const manager = await Manager.start();
   * const d = await manager.dict({ a: 1 });
   * const saved = await d.copy(); // keep what you need
   * await manager.shutdown();
   * ```
   */
  shutdown(): Promise<void> {
    this.#stopping ??= keepingAlive(this.#stop());
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    markStopped(this.#registry.path);
    const server = this.#process;
    if (server.isAlive()) {
      // The server may exit before its answer is sent: either way, it is ending.
      await callRemote(this.#registry, "shutdown", [], { path: "Manager.shutdown" }).catch(() => undefined);
      await server.join(SHUTDOWN_GRACE_MS);
      if (server.isAlive()) server.terminate();
    }
    await server.join();
  }

  /**
   * Shuts the manager down at the end of an `await using` block.
   *
   * @example
   * ```ts
   * {
   *   await using manager = await Manager.start();
   *   // … use it …
   * } // shut down here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /**
   * A manager cannot be sent to another process; send the proxies and objects it made instead.
   *
   * @param _target - where it was going.
   * @returns nothing: it throws.
   * @throws TypeError always.
   */
  [reduceSymbol](_target: unknown): ReducedHandle {
    throw new TypeError(
      "a Manager cannot be sent to another process or thread: send the proxies and objects it made (they reach the manager from anywhere)",
    );
  }
}
