/**
 * The base of every synchronisation primitive and shared value: its state is a
 * SharedArrayBuffer in the OS process that created it, used directly (with `Atomics`) by that
 * process's threads; other OS processes reach it through its owner (`remote/objects.ts`), which
 * performs the same operations for them. One implementation, two ways in.
 *
 * @internal
 * @module
 */
import { reduceSymbol, registerHandle, type ReducedHandle, type Target } from "../codec/index.ts";
import { callRemote, localObject, postRemote, selfPeer, serve, trackLocalDelivery, type Peer, type RemoteAddress } from "../remote/objects.ts";
import { holderOf, localHolder } from "./holder.ts";

/**
 * What a local call that finished at once with nothing to return resolves with: one promise, not
 * one per call.
 *
 * @example
 * ```ts
 * if (tryAtOnce()) return DONE;
 * ```
 *
 * @internal
 */
export const DONE: Promise<undefined> = Promise.resolve(undefined);

/** Passed as the first constructor argument when a primitive is revived from a handle. */
export const fromState: unique symbol = Symbol("multiproc.fromState");

/** What a primitive's handle carries. */
export interface PrimitiveState {
  /** The shared memory, when the receiver can share it (a worker thread of the same process). */
  readonly sab?: SharedArrayBuffer;
  /** Where the owner serves it, for other OS processes. */
  readonly address?: RemoteAddress;
  /** What else the kind needs (a Condition's lock, a Barrier's size…). */
  readonly extra?: unknown;
}

/**
 * A primitive whose state lives in shared memory here, or in another process.
 */
export abstract class SharedPrimitive {
  readonly #sab: SharedArrayBuffer | undefined;
  readonly #cells: Int32Array | undefined;
  #address: RemoteAddress | undefined;

  /** @param state - fresh shared memory, or a handle's state. */
  protected constructor(state: PrimitiveState) {
    this.#address = state.address;
    if (state.sab === undefined && state.address !== undefined) {
      // A handle that came back to the thread that owns the object: use its memory directly.
      const owned = (localObject(state.address) as { primitive?: SharedPrimitive } | undefined)?.primitive;
      this.#sab = owned === undefined ? undefined : owned.#sab;
    } else {
      this.#sab = state.sab;
    }
    this.#cells = this.#sab === undefined ? undefined : new Int32Array(this.#sab);
  }

  /** The handle kind, under which the class registers its reviver. @internal */
  protected abstract get kind(): string;

  /** Performs `method` here, for `holder` (a token from `holder.ts`) on behalf of `peer`. */
  protected abstract perform(method: string, args: unknown[], holder: number, peer: Peer): unknown;

  /** Told that a peer which used this primitive has gone. */
  protected peerGone(_peer: Peer): void {}

  /**
   * What else the handle carries besides the memory or address. `target` says where it goes: a
   * SharedArrayBuffer may be included only for `"thread"`.
   */
  protected extraState(_target: Target): unknown {
    return undefined;
  }

  /** The shared memory as 32-bit cells, when it is here. */
  protected get cells(): Int32Array | undefined {
    return this.#cells;
  }

  /** The shared memory, when it is here. */
  protected get sharedBuffer(): SharedArrayBuffer | undefined {
    return this.#sab;
  }

  /** Whether the state lives in this OS process. */
  protected get isLocal(): boolean {
    return this.#cells !== undefined;
  }

  /**
   * The cells, for the thread-only synchronous methods; throws a clear error when the state
   * lives in another process.
   */
  protected localCells(method: string): Int32Array {
    if (this.#cells === undefined) {
      throw new TypeError(
        `${this.constructor.name}.${method}() works only where the ${this.constructor.name}'s memory is shared (the thread ` +
          "context, or the process that created it). This one lives in another OS process: use the async method instead.",
      );
    }
    return this.#cells;
  }

  /**
   * Runs `method` for the calling thread: here when the state is local, else at the owner.
   * `deliver` marks calls that hand something over (see `CallOptions.deliver`).
   */
  protected invoke(method: string, args: unknown[], deliver = false): Promise<unknown> {
    if (this.#cells !== undefined) {
      try {
        const outcome = this.perform(method, args, localHolder(), selfPeer());
        if (!(outcome instanceof Promise)) return outcome === undefined ? DONE : Promise.resolve(outcome);
        // It waits (for room, for a mutex): what it hands over must arrive before a child exits.
        if (deliver) trackLocalDelivery(outcome);
        return outcome;
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return callRemote(this.#address!, method, args, { deliver, path: `${this.constructor.name}.${method}` });
  }

  /**
   * Runs `method(bytes)` for the calling thread without waiting for its outcome when the state
   * lives in another process (see `postRemote`): for calls that hand something over and cannot
   * wait (a put on an unbounded queue). Here, it is {@link invoke}.
   */
  protected post(method: string, bytes: Uint8Array): Promise<unknown> {
    if (this.#cells !== undefined) return this.invoke(method, [bytes], true);
    return postRemote(this.#address!, method, bytes);
  }

  /** The address other processes use; the primitive is served on first need. */
  #serve(): RemoteAddress {
    if (this.#address !== undefined) return this.#address;
    const primitive = this as SharedPrimitive;
    this.#address = serve({
      primitive,
      call: (method: string, args: unknown[], peer: Peer) => primitive.#performFor(method, args, peer),
      peerGone: (peer: Peer) => primitive.peerGone(peer),
    } as Parameters<typeof serve>[0]);
    return this.#address;
  }

  #performFor(method: string, args: unknown[], peer: Peer): unknown {
    return this.perform(method, args, holderOf(peer), peer);
  }

  /**
   * Reduces the primitive to a handle: its memory for a worker thread of this process, its
   * owner's address for another OS process.
   *
   * @param target - where the handle goes.
   * @returns the handle.
   */
  [reduceSymbol](target: Target): ReducedHandle {
    if (target === "thread" && this.#sab !== undefined) {
      return { kind: this.kind, state: { sab: this.#sab, extra: this.extraState("thread") } };
    }
    return { kind: this.kind, state: { address: this.#serve(), extra: this.extraState("process") } };
  }
}

/**
 * Registers a primitive class so that its handles revive as instances of it.
 */
export function registerPrimitive(kind: string, revive: (state: PrimitiveState) => SharedPrimitive): void {
  registerHandle(kind, (state) => revive(state as PrimitiveState));
}
