/**
 * `Event`: Python's `multiprocessing.Event`, for both contexts. One 32-bit cell: the flag.
 *
 * @module
 */
import type { Peer } from "../remote/objects.ts";
import { deadline, wake } from "./futex.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "./primitive.ts";
import { alwaysThere, GonePeers, type StillThere } from "./gone.ts";
import { runPlan, runPlanSync, type WaitPlan } from "./wait-plan.ts";

const FLAG = 0;
const CELLS = 1;

/** Options of {@link Event.wait}. */
export interface EventWaitOptions {
  /** The longest wait in milliseconds; a negative timeout acts as 0. Waits forever by default. */
  timeout?: number;
}

function* waitPlan(c: Int32Array, until: number, there: StillThere): WaitPlan<boolean> {
  for (;;) {
    if (Atomics.load(c, FLAG) === 1) return true;
    if (!there()) return false;
    const changed = yield { cells: c, index: FLAG, expected: 0, until };
    if (changed !== true) return Atomics.load(c, FLAG) === 1;
  }
}

function set(c: Int32Array): void {
  Atomics.store(c, FLAG, 1);
  wake(c, FLAG);
}

function clear(c: Int32Array): void {
  Atomics.store(c, FLAG, 0);
}

function timeoutOf(options: EventWaitOptions): number | undefined {
  if (options === null || typeof options !== "object") throw new TypeError("wait(options): options must be an object");
  return options.timeout;
}

/**
 * An event (Python's `multiprocessing.Event`): a flag that processes can wait for. `set()`
 * raises it and wakes every waiter; `clear()` lowers it; `wait()` returns at once while it is
 * set. Pass it to children as a `Process` argument: it travels as a handle to the same event.
 *
 * Reading the flag needs the event's owner when the caller is another OS process, so
 * {@link Event.isSet} is async (`await ev.isSet()`).
 *
 * @example
 * ```ts
 * import { Event, Process, isMain, task } from "@multiproc/core";
 *
 * export const worker = task(import.meta, async function worker(go: Event) {
 *   await go.wait();
 *   console.log("started together");
 * });
 *
 * if (isMain(import.meta)) {
 *   const go = new Event();
 *   const children = [1, 2, 3].map(() => new Process({ target: worker, args: [go] }));
 *   children.forEach((p) => p.start());
 *   await go.set();
 *   for (const p of children) await p.join();
 * }
 * ```
 */
export class Event extends SharedPrimitive {
  readonly #gone = new GonePeers();

  /** Creates an event whose flag is not set. */
  constructor();
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(token?: typeof fromState, state?: PrimitiveState) {
    super(token === fromState && state !== undefined ? state : { sab: new SharedArrayBuffer(CELLS * 4) });
  }

  protected get kind(): string {
    return "@multiproc/core:Event";
  }

  /**
   * Sets the flag and wakes every waiter. The returned promise settles when it has taken
   * effect; a child that exits without awaiting it still sets the flag first.
   *
   * @example
   * ```ts
   * await ev.set();
   * await ev.isSet(); // true
   * ```
   */
  set(): Promise<void> {
    return this.invoke("set", [], true) as Promise<void>;
  }

  /**
   * Lowers the flag: later `wait()` calls wait until it is set again.
   *
   * @example
   * ```ts
   * await ev.clear();
   * await ev.wait({ timeout: 0 }); // false
   * ```
   */
  clear(): Promise<void> {
    return this.invoke("clear", [], true) as Promise<void>;
  }

  /**
   * Whether the flag is set (Python's `is_set()`). Async, because another OS process asks the
   * event's owner.
   *
   * @returns the flag.
   *
   * @example
   * ```ts
   * if (await stop.isSet()) return;
   * ```
   */
  isSet(): Promise<boolean> {
    return this.invoke("isSet", []) as Promise<boolean>;
  }

  /**
   * Waits until the flag is set (or `timeout` ms pass).
   *
   * @param options - `timeout` in milliseconds; a negative timeout acts as 0.
   * @returns the flag when the wait ended: true unless it timed out with the flag still clear.
   *
   * @example
   * ```ts
   * if (!(await ready.wait({ timeout: 5_000 }))) throw new Error("the worker did not get ready in 5 s");
   * ```
   */
  wait(options: EventWaitOptions = {}): Promise<boolean> {
    return this.invoke("wait", [timeoutOf(options)]) as Promise<boolean>;
  }

  /**
   * Waits synchronously, blocking the calling thread: thread context only (the event's memory
   * must be shared with this thread). On the main thread it blocks the event loop while it waits.
   *
   * @param options - as for {@link Event.wait}.
   * @returns the flag when the wait ended.
   * @throws TypeError if the event lives in another OS process.
   *
   * @example
   * ```ts
   * while (!stop.waitSync({ timeout: 0 })) crunchOneMore();
   * ```
   */
  waitSync(options: EventWaitOptions = {}): boolean {
    return runPlanSync(waitPlan(this.localCells("waitSync"), deadline(timeoutOf(options)), alwaysThere));
  }

  /**
   * Sets the flag synchronously: thread context only.
   *
   * @throws TypeError if the event lives in another OS process.
   *
   * @example
   * ```ts
   * done.setSync();
   * ```
   */
  setSync(): void {
    set(this.localCells("setSync"));
  }

  /**
   * Lowers the flag synchronously: thread context only.
   *
   * @throws TypeError if the event lives in another OS process.
   *
   * @example
   * ```ts
   * ev.clearSync();
   * ```
   */
  clearSync(): void {
    clear(this.localCells("clearSync"));
  }

  /**
   * Reads the flag synchronously: thread context only.
   *
   * @returns the flag.
   * @throws TypeError if the event lives in another OS process.
   *
   * @example
   * ```ts
   * while (!stop.isSetSync()) crunchOneMore();
   * ```
   */
  isSetSync(): boolean {
    return Atomics.load(this.localCells("isSetSync"), FLAG) === 1;
  }

  protected override perform(method: string, args: unknown[], _holder: number, peer: Peer): unknown {
    const c = this.cells!;
    switch (method) {
      case "set":
        return set(c);
      case "clear":
        return clear(c);
      case "isSet":
        return Atomics.load(c, FLAG) === 1;
      case "wait":
        return runPlan(waitPlan(c, deadline(args[0] as number | undefined), this.#gone.stillThere(peer)));
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  protected override peerGone(peer: Peer): void {
    this.#gone.add(peer);
    // Its pending waits end (the others go back to sleep).
    if (this.cells !== undefined) wake(this.cells, FLAG);
  }
}

registerPrimitive("@multiproc/core:Event", (state) => new Event(fromState, state));
