/**
 * `Array` (exported under that name and as `SharedArray`) and `RawArray`: Python's
 * `multiprocessing.Array` and `RawArray`, for both contexts. A fixed number of C-typed elements
 * in one SharedArrayBuffer, in the process that created it; its worker threads use the memory
 * directly, other OS processes reach it through its owner.
 *
 * @module
 */
import type { Lock, RLock } from "../sync/lock.ts";
import { fromState, registerPrimitive, SharedPrimitive, type PrimitiveState } from "../sync/primitive.ts";
import { assignRange, elementIndex, sliceRange } from "./indexing.ts";
import { lockFromOption, requireLock, type SynchronizedOptions } from "./locking.ts";
import {
  bufferBytes,
  cellOf,
  load,
  specOf,
  storeCell,
  write,
  writeSync,
  type Cells,
  type ElementOf,
  type InputOf,
  type SliceOf,
  type Typecode,
  type TypeSpec,
  type ViewOf,
} from "./typecodes.ts";

/**
 * What the text of a `c` or `u` array reads as (its `getValue()`): bytes for `c` (Python's
 * `bytes`), a string for `u`.
 *
 * @example
 * ```ts
 * import type { TextOf } from "@multiproc/core";
 * const name: TextOf<"c"> = new TextEncoder().encode("ada");
 * const title: TextOf<"u"> = "Countess";
 * ```
 */
export type TextOf<T extends Typecode> = T extends "c" ? Uint8Array : string;

/** What an array's handle carries besides its memory. */
interface ArrayExtra {
  readonly typecode: Typecode;
  readonly length: number;
  /** Only for `Array`: its lock, or null for `{ lock: false }`. */
  readonly lock?: Lock | RLock | null;
}

/** Checks every value first, then writes them at `from`: a bad value leaves the array unchanged. */
function writeAll(spec: TypeSpec, cells: Cells, from: number, values: ArrayLike<unknown>): void {
  const converted = Array.from(values, (value) => cellOf(spec, value));
  for (let k = 0; k < converted.length; k++) storeCell(cells, from + k, converted[k]!);
}

/** Elements `[from, to)`: a Uint8Array for `c`, a plain array otherwise. */
function readRange(spec: TypeSpec, cells: Cells, from: number, to: number): unknown[] | Uint8Array {
  const out = Array.from({ length: to - from }, (_, k) => load(spec, cells, from + k));
  return spec.code === "c" ? Uint8Array.from(out, (byte) => (byte as Uint8Array)[0]!) : out;
}

function materialise(values: unknown, what: string): ArrayLike<unknown> {
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) return values as unknown as ArrayLike<unknown>;
  if (typeof values === "string" || (values !== null && typeof values === "object" && Symbol.iterator in values)) {
    return Array.from(values as Iterable<unknown>);
  }
  throw new TypeError(`${what}: expected an array, a typed array or another iterable of values; got ${values === null ? "null" : typeof values}`);
}

/** Fresh memory for an array of `sizeOrItems` elements (zeros) or holding those items. */
function freshArray(typecode: unknown, sizeOrItems: unknown, lock?: Lock | RLock | null): PrimitiveState {
  const spec = specOf(typecode);
  let items: ArrayLike<unknown> | undefined;
  let length: number;
  if (typeof sizeOrItems === "number") {
    if (!Number.isSafeInteger(sizeOrItems) || sizeOrItems < 0) {
      throw new RangeError(`an array's size must be a whole number ≥ 0: got ${sizeOrItems}`);
    }
    length = sizeOrItems;
  } else {
    items = materialise(sizeOrItems, "Array(typecode, sizeOrItems)");
    length = items.length;
  }
  const sab = new SharedArrayBuffer(bufferBytes(spec, length));
  if (items !== undefined) writeAll(spec, spec.cells(sab, length), 0, items);
  const extra: ArrayExtra = lock === undefined ? { typecode: spec.code, length } : { typecode: spec.code, length, lock };
  return { sab, extra };
}

/**
 * A fixed-length array of C-typed elements in shared memory, with no lock (Python's
 * `multiprocessing.RawArray`). Each element is read and written whole, but nothing makes several
 * reads and writes atomic together: use an {@link SharedArray | Array} (which has a lock) for that.
 *
 * Pass it to children as a `Process` argument: it travels as a handle to the same memory, not a
 * copy. The portable API is async; the synchronous `at`/`setAt`/`view` work only where the memory
 * is shared — the creating process and its worker threads (the `thread` context).
 *
 * Indexes follow Python: negative ones count from the end, and one out of range throws a
 * `RangeError` (Python's `IndexError`). Slices take `start`/`end` like `Array.prototype.slice`.
 *
 * @typeParam T - the typecode; see {@link Typecode} for what each one stores.
 *
 * @example
 * ```ts
 * import { RawArray } from "@multiproc/core";
 * const samples = new RawArray("d", [0.5, 1.5, 2.5]);
 * await samples.set(-1, 9);       // the last element
 * await samples.slice(1);         // [1.5, 9]
 * await samples.setSlice(0, [7, 8]);
 * await samples.toArray();        // [7, 8, 9]
 * samples.length;                 // 3
 * samples.view[0];                // 7: thread context only, a Float64Array over the memory
 * ```
 */
export class RawArray<T extends Typecode = Typecode> extends SharedPrimitive {
  /** The typecode, fixed at creation. */
  readonly typecode: T;
  /** The number of elements, fixed at creation (Python's `len(a)`). */
  readonly length: number;
  readonly #spec: TypeSpec;
  readonly #extra: ArrayExtra;
  readonly #cells: Cells | undefined;
  #view: ViewOf<T> | undefined;

  /**
   * @param typecode - one of `c u b B h H i I l L q Q f d` (see {@link Typecode}).
   * @param sizeOrItems - the length (the elements start at zero), or the initial elements: an
   *   array or any iterable (a `Uint8Array` for `c`, a string for `u`).
   * @throws TypeError for an unknown typecode or an item of the wrong kind; RangeError for a bad size.
   */
  constructor(typecode: T, sizeOrItems: number | Iterable<InputOf<T>>);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(first: T | typeof fromState, second: unknown) {
    const state = first === fromState ? (second as PrimitiveState) : freshArray(first, second);
    super(state);
    this.#extra = state.extra as ArrayExtra;
    this.#spec = specOf(this.#extra.typecode);
    this.typecode = this.#spec.code as T;
    this.length = this.#extra.length;
    const sab = this.sharedBuffer;
    this.#cells = sab === undefined ? undefined : this.#spec.cells(sab, this.length);
  }

  /** The handle kind this class is registered under. */
  protected get kind(): string {
    return "@multiproc/core:RawArray";
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
   * Reads element `index` (negative counts from the end).
   *
   * @throws RangeError (as a rejection) if `index` is out of range; TypeError if it is not an integer.
   */
  get(index: number): Promise<ElementOf<T>> {
    return this.invoke("get", [index]) as Promise<ElementOf<T>>;
  }

  /**
   * Writes element `index` (negative counts from the end). Integers out of range wrap around as in C.
   *
   * @throws RangeError (as a rejection) if `index` is out of range; TypeError for a value of the wrong kind.
   */
  async set(index: number, value: InputOf<T>): Promise<void> {
    await this.invoke("set", [index, value], true);
  }

  /**
   * Reads elements `start` (default 0) up to `end` (default the length), clamped and with
   * negative bounds counting from the end, as `Array.prototype.slice` and Python slices do.
   * Each element is read whole, but the slice is not a snapshot of the whole range if others
   * write meanwhile: hold the array's lock for that.
   *
   * @returns a copy: a `Uint8Array` for `c`, a plain array otherwise.
   */
  slice(start?: number, end?: number): Promise<SliceOf<T>> {
    return this.invoke("slice", [start, end]) as Promise<SliceOf<T>>;
  }

  /**
   * Writes `values` from `start` on. All values are checked before any is written.
   *
   * @throws RangeError (as a rejection) if they run past the end of the array.
   */
  setSlice(start: number, values: Iterable<InputOf<T>>): Promise<void>;
  /**
   * Writes `values` into exactly the slice `[start, end)` (Python's `a[start:end] = values`).
   *
   * @throws RangeError (as a rejection) unless there are exactly as many values as the slice has
   *   elements: an array's length cannot change.
   */
  setSlice(start: number, end: number, values: Iterable<InputOf<T>>): Promise<void>;
  async setSlice(start: number, endOrValues: number | Iterable<InputOf<T>>, maybeValues?: Iterable<InputOf<T>>): Promise<void> {
    const [end, values] = typeof endOrValues === "number" ? [endOrValues, maybeValues] : [undefined, endOrValues];
    await this.invoke("setSlice", [start, end, materialise(values, "setSlice(start, values)")], true);
  }

  /** Reads every element: `slice()`. */
  toArray(): Promise<SliceOf<T>> {
    return this.slice();
  }

  /**
   * The text of a `c` or `u` array: its elements up to the first NUL (Python's `.value` of a
   * `c_char` or `c_wchar` array).
   *
   * @returns bytes for `c`, a string for `u`.
   * @throws TypeError (as a rejection) for other typecodes.
   */
  getValue(this: RawArray<"c" | "u">): Promise<TextOf<T>> {
    return this.invoke("getValue", []) as Promise<TextOf<T>>;
  }

  /**
   * Writes the text of a `c` or `u` array, followed by a NUL if it is shorter than the array
   * (Python's `.value = …`).
   *
   * @param text - bytes for `c`, a string for `u`.
   * @throws RangeError (as a rejection) if the text is longer than the array; TypeError for other typecodes.
   */
  async setValue(this: RawArray<"c" | "u">, text: TextOf<T>): Promise<void> {
    await this.invoke("setValue", [text], true);
  }

  /**
   * All the bytes of a `c` array, NULs included (Python's `.raw`).
   *
   * @throws TypeError (as a rejection) for other typecodes.
   */
  getRaw(this: RawArray<"c">): Promise<Uint8Array> {
    return this.#onlyChars("getRaw") ?? (this.slice() as Promise<Uint8Array>);
  }

  /**
   * Writes bytes from the start of a `c` array, leaving the rest as it is (Python's `.raw = …`).
   *
   * @throws RangeError (as a rejection) if there are more bytes than the array holds; TypeError for other typecodes.
   */
  setRaw(this: RawArray<"c">, bytes: Uint8Array): Promise<void> {
    return this.#onlyChars("setRaw") ?? this.setSlice(0, bytes);
  }

  /**
   * Reads element `index` synchronously: thread context only.
   *
   * @throws RangeError if out of range; TypeError in another OS process (use `get()` there).
   */
  at(index: number): ElementOf<T> {
    const cells = this.#local("at");
    return load(this.#spec, cells, elementIndex(index, this.length)) as ElementOf<T>;
  }

  /**
   * Writes element `index` synchronously: thread context only.
   *
   * @throws RangeError if out of range; TypeError in another OS process (use `set()` there).
   */
  setAt(index: number, value: InputOf<T>): void {
    const cells = this.#local("setAt");
    writeSync(this.#spec, cells, elementIndex(index, this.length), value);
  }

  /**
   * A typed array over the shared memory itself (see {@link ViewOf}): the fastest access, with
   * plain (non-atomic) reads and writes and typed-array conversions (`Uint32Array` code points
   * for `u`). Thread context only.
   *
   * @throws TypeError in another OS process.
   */
  get view(): ViewOf<T> {
    this.#local("view");
    this.#view ??= this.#spec.view(this.sharedBuffer!, this.length) as ViewOf<T>;
    return this.#view;
  }

  #local(member: string): Cells {
    this.localCells(member);
    return this.#cells!;
  }

  #onlyChars<R>(method: string): Promise<R> | undefined {
    if (this.typecode === "c") return undefined;
    return Promise.reject(new TypeError(`${method}() is for arrays of typecode 'c'; this one is '${this.typecode}'`));
  }

  protected override perform(method: string, args: unknown[]): unknown {
    const spec = this.#spec;
    const cells = this.#cells!;
    switch (method) {
      case "get":
        return load(spec, cells, elementIndex(args[0], this.length));
      case "set":
        return write(spec, cells, elementIndex(args[0], this.length), args[1]);
      case "slice":
        return readRange(spec, cells, ...sliceRange(args[0], args[1], this.length));
      case "setSlice": {
        const values = args[2] as ArrayLike<unknown>;
        const [from] = assignRange(args[0], args[1], values.length, this.length);
        return writeAll(spec, cells, from, values);
      }
      case "getValue":
        return this.#readText(method);
      case "setValue":
        return this.#writeText(method, args[0]);
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  #textSpec(method: string): TypeSpec {
    if (this.typecode === "c" || this.typecode === "u") return this.#spec;
    throw new TypeError(`${method}() is for arrays of typecode 'c' or 'u'; this one is '${this.typecode}'`);
  }

  #readText(method: string): Uint8Array | string {
    const spec = this.#textSpec(method);
    const cells = this.#cells!;
    let end = 0;
    while (end < this.length && Atomics.load(cells as Uint8Array, end) !== 0) end++;
    const elements = readRange(spec, cells, 0, end);
    return spec.code === "c" ? (elements as Uint8Array) : (elements as string[]).join("");
  }

  #writeText(method: string, text: unknown): void {
    const spec = this.#textSpec(method);
    const units = spec.code === "c" ? text : typeof text === "string" ? Array.from(text) : undefined;
    if (spec.code === "c" ? !(text instanceof Uint8Array) : units === undefined) {
      throw new TypeError(`${method}(): a '${spec.code}' array's text is ${spec.code === "c" ? "a Uint8Array of bytes" : "a string"}`);
    }
    const values = units as ArrayLike<unknown>;
    if (values.length > this.length) {
      throw new RangeError(`${method}(): the text has ${values.length} ${spec.code === "c" ? "bytes" : "characters"} but the array holds only ${this.length}`);
    }
    writeAll(spec, this.#cells!, 0, values);
    if (values.length < this.length) storeCell(this.#cells!, values.length, 0);
  }
}

/**
 * A fixed-length array of C-typed elements in shared memory, with a lock (Python's
 * `multiprocessing.Array`); exported as `Array` and as `SharedArray` (import it as the latter to
 * keep JavaScript's own `Array` in scope). Everything {@link RawArray} does, plus `getLock()`.
 *
 * Hold the lock to make several reads and writes atomic together. The `lock` option is as in
 * Python: `true` (the default) makes a new `RLock`, `false` makes none (`getLock()` then throws),
 * or pass an existing `Lock` or `RLock`. Unlike Python's, the element and slice methods do not
 * take the lock themselves (each element access is atomic already), so holding a plain `Lock`
 * around them cannot deadlock.
 *
 * @typeParam T - the typecode; see {@link Typecode}.
 *
 * @example
 * ```ts
 * import { Array, Process, isMain, task } from "@multiproc/core";
 *
 * export const fill = task(import.meta, async function fill(squares: Array<"i">, from: number) {
 *   for (let i = from; i < squares.length; i += 2) await squares.set(i, i * i);
 * });
 *
 * if (isMain(import.meta)) {
 *   const squares = new Array("i", 10);
 *   const children = [0, 1].map((from) => new Process({ target: fill, args: [squares, from] }));
 *   children.forEach((p) => p.start());
 *   for (const p of children) await p.join();
 *   console.log(await squares.toArray()); // [0, 1, 4, 9, …, 81]
 *
 *   const name = new Array("c", 8);
 *   await name.setValue(new TextEncoder().encode("ada"));
 *   await name.getValue(); // Uint8Array [97, 100, 97]: the bytes up to the first NUL
 *   await name.getLock().withLock(async () => name.setSlice(0, [0x41])); // several steps, atomically
 * }
 * ```
 */
export class SharedArray<T extends Typecode = Typecode> extends RawArray<T> {
  readonly #lock: Lock | RLock | null;

  /**
   * @param typecode - one of `c u b B h H i I l L q Q f d` (see {@link Typecode}).
   * @param sizeOrItems - the length (the elements start at zero), or the initial elements.
   * @param options - `lock`: `true` (a new RLock, the default), `false`, or a Lock/RLock to use.
   * @throws TypeError for an unknown typecode, a wrong item or a wrong lock option; RangeError for a bad size.
   */
  constructor(typecode: T, sizeOrItems: number | Iterable<InputOf<T>>, options?: SynchronizedOptions);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(first: T | typeof fromState, second: unknown, options?: SynchronizedOptions) {
    const state = first === fromState ? (second as PrimitiveState) : freshArray(first, second, lockFromOption(options, "Array"));
    super(fromState, state);
    this.#lock = (state.extra as ArrayExtra).lock ?? null;
  }

  /** The handle kind this class is registered under. */
  protected override get kind(): string {
    return "@multiproc/core:Array";
  }

  /**
   * The lock that guards this array (Python's `get_lock()`).
   *
   * @returns the `RLock` made for it, or the `Lock`/`RLock` given as the `lock` option.
   * @throws TypeError if the array was created with `{ lock: false }`.
   */
  getLock(): Lock | RLock {
    return requireLock(this.#lock, "Array", "getLock");
  }
}

registerPrimitive("@multiproc/core:RawArray", (state) => new RawArray(fromState, state));
registerPrimitive("@multiproc/core:Array", (state) => new SharedArray(fromState, state));
