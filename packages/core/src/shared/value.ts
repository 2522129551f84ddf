/**
 * `Value` and `RawValue`: Python's `multiprocessing.Value` and `RawValue`, for both contexts. One
 * element of a C type in its own SharedArrayBuffer, in the process that created it; its worker
 * threads use the memory directly, other OS processes reach it through its owner.
 *
 * @module
 */
import type { Lock, RLock } from "../sync/lock.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "../sync/primitive.ts";
import { lockFromOption, requireLock, serially, type SynchronizedOptions } from "./locking.ts";
import { bufferBytes, load, specOf, store, writeSync, type Cells, type ElementOf, type InputOf, type Typecode, type TypeSpec } from "./typecodes.ts";

/** What a value's handle carries besides its memory. */
interface ValueExtra {
  readonly typecode: Typecode;
  /** Only for `Value`: its lock, or null for `{ lock: false }`. */
  readonly lock?: Lock | RLock | null;
}

/** Fresh memory for one element, holding `initial` (zero when undefined). */
function freshValue(typecode: unknown, initial: unknown, lock?: Lock | RLock | null): PrimitiveState {
  const spec = specOf(typecode);
  const sab = new SharedArrayBuffer(bufferBytes(spec, 1));
  if (initial !== undefined) store(spec, spec.cells(sab, 1), 0, initial);
  const extra: ValueExtra = lock === undefined ? { typecode: spec.code } : { typecode: spec.code, lock };
  return { sab, extra };
}

/**
 * A single C-typed value in shared memory, with no lock (Python's `multiprocessing.RawValue`).
 * Each read and each write is whole (never torn), but a read followed by a write is not atomic:
 * use a {@link Value} (which has a lock) for read-modify-write.
 *
 * Pass it to children as a `Process` argument: it travels as a handle to the same memory, not a
 * copy. The portable API is async (`get`/`set`); the synchronous `value` accessor works only where
 * the memory is shared — the creating process and its worker threads (the `thread` context).
 *
 * @typeParam T - the typecode; see {@link Typecode} for what each one stores.
 *
 * @example
 * ```ts
 * import { RawValue } from "@multiproc/core";
 * const flag = new RawValue("b", 0);
 * await flag.set(1);
 * await flag.get();  // 1
 * await flag.set(200);
 * await flag.get();  // -56: a signed char wraps around, as in C
 * flag.value = 3;    // the synchronous accessor: here, and in worker threads only
 * ```
 */
export class RawValue<T extends Typecode = Typecode> extends SharedPrimitive {
  /** The typecode, fixed at creation. */
  readonly typecode: T;
  readonly #spec: TypeSpec;
  readonly #extra: ValueExtra;
  readonly #cells: Cells | undefined;
  /** The cells when they hold the value itself and are shared with this thread (see `TypeSpec.direct`). */
  readonly #direct: Int32Array | undefined;

  /**
   * @param typecode - one of `c u b B h H i I l L q Q f d` (see {@link Typecode}).
   * @param initial - the initial value (zero, `"\0"` or `b"\0"` when omitted).
   * @throws TypeError for an unknown typecode or an initial value of the wrong kind.
   */
  constructor(typecode: T, initial?: InputOf<T>);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(first: T | typeof fromState, second?: unknown) {
    const state = first === fromState ? (second as PrimitiveState) : freshValue(first, second);
    super(state);
    this.#extra = state.extra as ValueExtra;
    this.#spec = specOf(this.#extra.typecode);
    this.typecode = this.#spec.code as T;
    const sab = this.sharedBuffer;
    this.#cells = sab === undefined ? undefined : this.#spec.cells(sab, 1);
    this.#direct = this.#spec.direct ? (this.#cells as Int32Array | undefined) : undefined;
  }

  /** The handle kind this class is registered under. */
  protected get kind(): string {
    return "@multiproc/core:RawValue";
  }

  /**
   * Nothing to do when a peer goes: shared values keep no per-peer state. (Overridden so that the
   * documentation does not show the base class's internal signature.)
   *
   * @internal
   */
  protected override peerGone(): void {}

  protected override extraState(): unknown {
    return this.#extra;
  }

  /**
   * Reads the value.
   *
   * @returns a number, a bigint (`l L q Q`), a 1-byte `Uint8Array` (`c`) or a one-character string (`u`).
   */
  get(): Promise<ElementOf<T>> {
    return this.invoke("get", []) as Promise<ElementOf<T>>;
  }

  /**
   * Writes the value. Integers out of range wrap around as in C (`'B'`: 256 → 0), also when the
   * write is made for a child in another process.
   *
   * @param value - see {@link InputOf} for what each typecode accepts.
   * @throws TypeError (as a rejection) for a value of the wrong kind (a fraction for an integer type…).
   */
  async set(value: InputOf<T>): Promise<void> {
    await this.setAndRead(value);
  }

  /**
   * The value, read and written synchronously: thread context only (the creating process and its
   * worker threads, where the memory is shared).
   *
   * @throws TypeError in another OS process: use `get()`/`set()` there.
   */
  get value(): ElementOf<T> {
    // The integer types, in one step (see TypeSpec.direct): a plain read, whole as the plain write
    // of the setter is (see TypeSpec.tearFree), and as ordered as it (by the lock around them).
    const direct = this.#direct;
    if (direct !== undefined) return direct[0] as ElementOf<T>;
    return load(this.#spec, this.#local("value"), 0) as ElementOf<T>;
  }

  /**
   * Writes the value synchronously (thread context only); integers wrap around as in C. Like a C
   * store, it is whole but not a fence: other threads see it in order once the writer releases a
   * lock they then acquire (`with v.get_lock(): v.value += 1`); `set()` is sequentially consistent.
   */
  set value(value: InputOf<T>) {
    const direct = this.#direct;
    // An integral number into an integer cell, in one step: the cell wraps it around as C does.
    if (direct !== undefined && typeof value === "number" && Number.isInteger(value)) direct[0] = value;
    else writeSync(this.#spec, this.#local("value"), 0, value);
  }

  /** Writes `value` and returns what the value now reads as (after wrap-around). */
  protected setAndRead(value: InputOf<T>): Promise<ElementOf<T>> {
    return this.invoke("set", [value], true) as Promise<ElementOf<T>>;
  }

  #local(member: string): Cells {
    const cells = this.#cells;
    if (cells !== undefined) return cells;
    this.localCells(member); // throws the error that says why
    return cells!;
  }

  protected override perform(method: string, args: unknown[]): unknown {
    switch (method) {
      case "get":
        return load(this.#spec, this.#cells!, 0);
      case "set":
        return store(this.#spec, this.#cells!, 0, args[0]);
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }
}

/**
 * A single C-typed value in shared memory with a lock (Python's `multiprocessing.Value`). Reads
 * and writes are each whole; to make a read-modify-write atomic, hold the lock — `update(fn)`
 * does that for you.
 *
 * The `lock` option is as in Python: `true` (the default) makes a new `RLock`, `false` makes none
 * (`getLock()` and `update()` then throw), or pass an existing `Lock` or `RLock`. Python's
 *
 * ```python
 * with v.get_lock():
 *     v.value += 1
 * ```
 *
 * is `await v.getLock().withLock(async () => v.set((await v.get()) + 1))`, or simply
 * `await v.update((x) => x + 1)`. Unlike Python's, `get()`/`set()` do not take the lock
 * themselves (each is atomic already), so holding a plain `Lock` around them cannot deadlock.
 *
 * @typeParam T - the typecode; see {@link Typecode}.
 *
 * @example
 * ```ts
 * import { Process, Value, isMain, task } from "@multiproc/core";
 *
 * export const count = task(import.meta, async function count(counter: Value<"i">, times: number) {
 *   for (let k = 0; k < times; k++) await counter.update((n) => n + 1);
 * });
 *
 * if (isMain(import.meta)) {
 *   const counter = new Value("i", 0);
 *   const children = [1, 2, 3, 4].map(() => new Process({ target: count, args: [counter, 1000] }));
 *   children.forEach((p) => p.start());
 *   for (const p of children) await p.join();
 *   console.log(await counter.get()); // 4000
 * }
 * ```
 */
export class Value<T extends Typecode = Typecode> extends RawValue<T> {
  readonly #lock: Lock | RLock | null;
  #updates: Promise<unknown> = Promise.resolve();

  /**
   * @param typecode - one of `c u b B h H i I l L q Q f d` (see {@link Typecode}).
   * @param initial - the initial value (zero when omitted).
   * @param options - `lock`: `true` (a new RLock, the default), `false`, or a Lock/RLock to use.
   * @throws TypeError for an unknown typecode, a wrong initial value or a wrong lock option.
   */
  constructor(typecode: T, initial?: InputOf<T>, options?: SynchronizedOptions);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(first: T | typeof fromState, second?: unknown, options?: SynchronizedOptions) {
    const state = first === fromState ? (second as PrimitiveState) : freshValue(first, second, lockFromOption(options, "Value"));
    super(fromState, state);
    this.#lock = (state.extra as ValueExtra).lock ?? null;
  }

  /** The handle kind this class is registered under. */
  protected override get kind(): string {
    return "@multiproc/core:Value";
  }

  /**
   * The lock that guards this value (Python's `get_lock()`).
   *
   * @returns the `RLock` made for it, or the `Lock`/`RLock` given as the `lock` option.
   * @throws TypeError if the value was created with `{ lock: false }`.
   */
  getLock(): Lock | RLock {
    return requireLock(this.#lock, "Value", "getLock");
  }

  /**
   * Reads the value, computes the next one with `fn`, and writes it, all while holding the lock:
   * an atomic read-modify-write, wherever the value lives. Calls made from the same thread run one
   * after another (an `RLock` alone would let two async callers of one thread in at once). Do
   * not call it while holding a plain `Lock` that is this value's lock: that would wait forever,
   * as `with lock: v.value += 1` does in Python.
   *
   * @param fn - computes the new value from the current one; may be async.
   * @returns what the value reads as afterwards (after C wrap-around).
   * @throws TypeError if the value has no lock (`{ lock: false }`), or `fn` returns a wrong value.
   */
  async update(fn: (current: ElementOf<T>) => InputOf<T> | Promise<InputOf<T>>): Promise<ElementOf<T>> {
    const lock = requireLock(this.#lock, "Value", "update");
    const { result, tail } = serially(this.#updates, () => lock.withLock(async () => this.setAndRead(await fn(await this.get()))));
    this.#updates = tail;
    return result;
  }
}

registerPrimitive("@multiproc/core:RawValue", (state) => new RawValue(fromState, state));
registerPrimitive("@multiproc/core:Value", (state) => new Value(fromState, state));
