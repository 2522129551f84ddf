/**
 * The manager's server: the task its process runs, and the registry object that makes shared
 * objects in that process. A dict, list or namespace is kept in a store served on the process's
 * socket and handed back as a proxy; a `Lock`, `Queue`, `Value`… is created here and handed back
 * as itself (a handle that reaches this process from anywhere).
 *
 * @internal
 * @module
 */
import { Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore, SharedArray, task, Value } from "@multiproc/core";
import { currentProcessState, serve, type RemoteAddress } from "@multiproc/core/internal";
import { DictProxy } from "./manager-dict.ts";
import { DictStore } from "./manager-dict-store.ts";
import { AttributeError } from "./manager-errors.ts";
import { ListProxy } from "./manager-list.ts";
import { ListStore } from "./manager-list-store.ts";
import { NamespaceProxy } from "./manager-namespace.ts";
import { JoinableQueue, Queue, type SimpleQueue } from "./queue.ts";

// The arguments come from `Manager`'s typed methods; the constructors check them again.
type Factory = (...args: any[]) => unknown;

/** What the registry makes, by the name of the `Manager` method that asks for it. */
function factories(manager: string): ReadonlyMap<string, Factory> {
  const proxyRef = (address: RemoteAddress) => ({ address, manager });
  return new Map<string, Factory>([
    ["dict", (entries) => new DictProxy(proxyRef(serve(new DictStore(entries))))],
    ["namespace", (entries) => new NamespaceProxy(proxyRef(serve(new DictStore(entries, (name) => new AttributeError(String(name))))))],
    ["list", (items) => new ListProxy(proxyRef(serve(new ListStore(items))))],
    ["Lock", () => new Lock()],
    ["RLock", () => new RLock()],
    ["Semaphore", (value) => new Semaphore(value)],
    ["BoundedSemaphore", (value) => new BoundedSemaphore(value)],
    ["Event", () => new Event()],
    ["Condition", (lock) => new Condition(lock)],
    ["Barrier", (parties, options) => new Barrier(parties, options)],
    ["Queue", (options) => new Queue(options)],
    ["JoinableQueue", (options) => new JoinableQueue(options)],
    ["Value", (typecode, initial, options) => new Value(typecode, initial, options)],
    ["Array", (typecode, sizeOrItems, options) => new SharedArray(typecode, sizeOrItems, options)],
  ]);
}

/**
 * The manager process's task: serves the registry, sends its address on `ready`, and runs until
 * the registry's `shutdown` is called.
 */
export const serveManager = task(import.meta, async function serveManager(ready: SimpleQueue<RemoteAddress>) {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const make = factories(currentProcessState.name);
  const registry = serve({
    call(method: string, args: unknown[]): unknown {
      if (method === "shutdown") return stop();
      const factory = make.get(method);
      if (factory === undefined) throw new TypeError(`a Manager cannot make ${JSON.stringify(method)}`);
      return factory(...args);
    },
  });
  // Served objects do not keep a process alive by themselves: this does, until shutdown.
  const keepAlive = setInterval(() => {}, 1_000_000_000);
  try {
    await ready.put(registry);
    await stopped;
  } finally {
    clearInterval(keepAlive);
  }
});
