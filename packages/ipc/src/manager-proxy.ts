/**
 * What every manager proxy shares: it holds the address of an object served by the manager's
 * process, calls it there, travels as a handle (so it can be passed to children and put on
 * queues), and reports a manager that has shut down with `ManagerShutdownError`.
 *
 * @internal
 * @module
 */
import { reduceSymbol, type ReducedHandle, type Target } from "@multiproc/core";
import { callRemote, type RemoteAddress } from "@multiproc/core/internal";
import { ManagerShutdownError, shutdownMessage, translateGone } from "./manager-errors.ts";

/** What a proxy's handle carries: where its object lives, and the manager's name for messages. */
export interface ProxyRef {
  /** The object's address at the manager's process. */
  readonly address: RemoteAddress;
  /** The manager's process name. */
  readonly manager: string;
}

/** Socket paths of managers this thread shut down: their proxies fail at once. */
const stopped = new Set<string>();

/** Marks the manager serving at `path` as shut down, for the proxies of this thread. */
export function markStopped(path: string): void {
  stopped.add(path);
}

/** Whether this thread shut down the manager serving at `path`. */
export function isStopped(path: string): boolean {
  return stopped.has(path);
}

/** The base of `DictProxy`, `ListProxy` and `NamespaceProxy`. */
export abstract class ManagedProxy {
  readonly #ref: ProxyRef;

  /** @internal */
  protected constructor(ref: ProxyRef) {
    this.#ref = ref;
  }

  /** The handle kind this class is registered under. @internal */
  protected abstract get kind(): string;

  /**
   * Calls `method` on the object in the manager's process. `deliver` marks calls that change it:
   * a child does not exit before they have arrived.
   *
   * @internal
   */
  protected call(method: string, args: unknown[], deliver = false): Promise<unknown> {
    const label = `${this.constructor.name}.${method}()`;
    const { address, manager } = this.#ref;
    if (stopped.has(address.path)) return Promise.reject(new ManagerShutdownError(shutdownMessage(manager, label)));
    let pending: Promise<unknown>;
    try {
      pending = callRemote(address, method, args, { deliver, path: `${this.constructor.name}.${method}` });
    } catch (error) {
      return Promise.reject(error);
    }
    return pending.catch((error: unknown) => {
      throw translateGone(error, manager, label);
    });
  }

  /**
   * Reduces the proxy to a handle: the receiver gets a proxy for the same object.
   *
   * @param _target - where the handle goes.
   * @returns the handle.
   */
  [reduceSymbol](_target: Target): ReducedHandle {
    return { kind: this.kind, state: this.#ref };
  }
}
