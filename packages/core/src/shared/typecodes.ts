/**
 * Typecodes: Python's one-letter names for C types (those of the `array` module and of
 * `multiprocessing.Value`/`Array`), what each stores, and how a JavaScript value becomes the
 * bits in shared memory and back. Integers wrap around like C's; `l`/`L` are 64-bit, as on Linux.
 *
 * Every element is read and written with `Atomics` on an integer view of the memory, so that a
 * single read or write is never torn, even for doubles (whose bits are moved through a 64-bit
 * integer cell) — the guarantee C gives for an aligned word, and what a Python `Value` gives.
 *
 * @module
 */

/**
 * A typecode, as in Python: `c` char (one byte), `u` wchar_t (4 bytes on Linux: one Unicode code
 * point), `b`/`B` signed/unsigned char, `h`/`H` short, `i`/`I` int, `l`/`L` long (64-bit),
 * `q`/`Q` long long, `f` float, `d` double.
 *
 * @example
 * ```ts
 * import { Value, type Typecode } from "@multiproc/core";
 * const code: Typecode = "d";
 * const temperature = new Value(code, 21.5);
 * ```
 */
export type Typecode = "c" | "u" | "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d";

/**
 * What an element of each typecode reads as: a `number` for the types up to 32 bits and the
 * floats, a `bigint` for the 64-bit integers, a one-byte `Uint8Array` for `c` (Python's `bytes`)
 * and a one-character string for `u`.
 *
 * @example
 * ```ts
 * import type { TypecodeValues } from "@multiproc/core";
 * const big: TypecodeValues["q"] = 2n ** 40n;
 * const char: TypecodeValues["c"] = Uint8Array.of(0x61); // b"a"
 * ```
 */
export interface TypecodeValues {
  /** C `char`: one byte, as a 1-byte `Uint8Array`. */
  c: Uint8Array;
  /** C `wchar_t` (4 bytes on Linux): one code point, as a one-character string. */
  u: string;
  /** C `signed char`: -128 … 127. */
  b: number;
  /** C `unsigned char`: 0 … 255. */
  B: number;
  /** C `short`: -32,768 … 32,767. */
  h: number;
  /** C `unsigned short`: 0 … 65,535. */
  H: number;
  /** C `int`: 32-bit signed. */
  i: number;
  /** C `unsigned int`: 32-bit unsigned. */
  I: number;
  /** C `long` (64-bit on Linux), as a bigint. */
  l: bigint;
  /** C `unsigned long` (64-bit on Linux), as a bigint. */
  L: bigint;
  /** C `long long`, as a bigint. */
  q: bigint;
  /** C `unsigned long long`, as a bigint. */
  Q: bigint;
  /** C `float`: stored with single precision. */
  f: number;
  /** C `double`. */
  d: number;
}

/**
 * What an element of typecode `T` reads as (see {@link TypecodeValues}).
 *
 * @example
 * ```ts
 * import type { ElementOf } from "@multiproc/core";
 * const n: ElementOf<"i"> = 42;
 * const big: ElementOf<"Q"> = 42n;
 * ```
 */
export type ElementOf<T extends Typecode> = TypecodeValues[T];

/**
 * What may be written to an element of typecode `T`: what it reads as, and also an integer
 * `number` for the 64-bit types, a `bigint` for the smaller integer types, and a byte value
 * 0 … 255 for `c` (as Python's `c_char` accepts an int). Integers out of the type's range wrap
 * around as in C.
 *
 * @example
 * ```ts
 * import type { InputOf } from "@multiproc/core";
 * const a: InputOf<"q"> = 5;        // a number is fine for a 64-bit type
 * const b: InputOf<"c"> = 0x61;     // the byte "a"
 * ```
 */
export type InputOf<T extends Typecode> = T extends "c"
  ? Uint8Array | number
  : T extends "u" | "f" | "d"
    ? TypecodeValues[T]
    : number | bigint;

/**
 * The typed array over an `Array`'s shared memory for each typecode (its thread-only `view`).
 *
 * @example
 * ```ts
 * import type { TypecodeViews } from "@multiproc/core";
 * const points: TypecodeViews["u"] = Uint32Array.of(0x1f600); // code points, for 'u'
 * ```
 */
export interface TypecodeViews {
  /** Bytes. */
  c: Uint8Array;
  /** Code points (wchar_t is 32-bit on Linux). */
  u: Uint32Array;
  /** Signed chars. */
  b: Int8Array;
  /** Unsigned chars. */
  B: Uint8Array;
  /** Shorts. */
  h: Int16Array;
  /** Unsigned shorts. */
  H: Uint16Array;
  /** Ints. */
  i: Int32Array;
  /** Unsigned ints. */
  I: Uint32Array;
  /** Longs (64-bit). */
  l: BigInt64Array;
  /** Unsigned longs (64-bit). */
  L: BigUint64Array;
  /** Long longs. */
  q: BigInt64Array;
  /** Unsigned long longs. */
  Q: BigUint64Array;
  /** Floats. */
  f: Float32Array;
  /** Doubles. */
  d: Float64Array;
}

/**
 * The typed array over an `Array`'s shared memory for typecode `T` (its thread-only `view`):
 * `Int8Array` for `b`, …, `BigInt64Array` for `l`/`q`, `Float64Array` for `d`, `Uint8Array` for
 * `c`, and `Uint32Array` of code points for `u` (see {@link TypecodeViews}).
 *
 * @example
 * ```ts
 * import { Array, type ViewOf } from "@multiproc/core";
 * const view: ViewOf<"d"> = new Array("d", 4).view; // a Float64Array over the shared memory
 * ```
 */
export type ViewOf<T extends Typecode> = TypecodeViews[T];

/**
 * What a run of elements of typecode `T` reads as: a `Uint8Array` for `c` (Python's `bytes`), a
 * plain array of elements otherwise.
 *
 * @example
 * ```ts
 * import type { SliceOf } from "@multiproc/core";
 * const bytes: SliceOf<"c"> = new Uint8Array([104, 105]);
 * const ints: SliceOf<"i"> = [1, 2, 3];
 * ```
 */
export type SliceOf<T extends Typecode> = T extends "c" ? Uint8Array : ElementOf<T>[];

/** An integer typed array that `Atomics` works on. */
export type Cells = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

type TypedArrayClass = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView & ArrayLike<number | bigint>;

/** How one typecode is stored. @internal */
export interface TypeSpec {
  /** The typecode. */
  readonly code: Typecode;
  /** The C type, for messages. */
  readonly cType: string;
  /** Bytes per element. */
  readonly bytes: number;
  /** The integer view `Atomics` reads and writes. */
  cells(sab: SharedArrayBuffer, length: number): Cells;
  /**
   * Whether a plain (non-atomic) write of a cell is still whole: true for the integer cells of up
   * to 32 bits (the ECMAScript memory model makes their aligned accesses tear-free), false for the
   * 64-bit cells (`l L q Q d`).
   */
  readonly tearFree: boolean;
  /**
   * Whether a cell holds the value itself, as a JavaScript number (the integer types of up to 32
   * bits): the synchronous accessors then read and write it directly.
   */
  readonly direct: boolean;
  /** The natural typed array (the thread-only `view`). */
  view(sab: SharedArrayBuffer, length: number): ArrayBufferView;
  /** Checks a JavaScript value and turns it into what is stored in a cell (before C wrap-around). */
  toCell(value: unknown): number | bigint;
  /** Turns what a cell holds into the JavaScript value. */
  fromCell(cell: number | bigint): unknown;
  /** What a cell holds after `cell` is written to it (C's wrap-around), computed off to the side. */
  wrap(cell: number | bigint): number | bigint;
}

function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return `${typeof value} ${String(value)}`;
}

function typeError(code: Typecode, cType: string, expected: string, value: unknown): TypeError {
  return new TypeError(`typecode '${code}' (C ${cType}) holds ${expected}: got ${shown(value)}`);
}

function spec(
  code: Typecode,
  cType: string,
  bytes: number,
  cellClass: TypedArrayClass,
  viewClass: TypedArrayClass,
  toCell: (value: unknown) => number | bigint,
  fromCell: (cell: number | bigint) => unknown,
  direct = false,
): TypeSpec {
  const one = new cellClass(new ArrayBuffer(8), 0, 1) as Cells & { [i: number]: number | bigint };
  return {
    code,
    cType,
    bytes,
    cells: (sab, length) => new cellClass(sab, 0, length) as Cells,
    tearFree: typeof one[0] === "number",
    direct,
    view: (sab, length) => new viewClass(sab, 0, length),
    toCell,
    fromCell,
    wrap: (cell) => {
      one[0] = cell;
      return one[0];
    },
  };
}

/** An integer type of up to 32 bits: accepts integral numbers and bigints, wrapped modulo 2^bits. */
function smallInt(code: Typecode, cType: string, bytes: number, cls: TypedArrayClass): TypeSpec {
  const bits = bytes * 8;
  return spec(
    code,
    cType,
    bytes,
    cls,
    cls,
    (value) => {
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "bigint") return Number(BigInt.asUintN(bits, value));
      throw typeError(code, cType, "integers (a number with no fraction, or a bigint)", value);
    },
    (cell) => cell,
    true,
  );
}

/** A 64-bit integer type: accepts bigints and integral numbers, wrapped modulo 2^64. */
function bigInt(code: Typecode, cType: string, cls: TypedArrayClass): TypeSpec {
  return spec(
    code,
    cType,
    8,
    cls,
    cls,
    (value) => {
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
      throw typeError(code, cType, "64-bit integers (a bigint, or a number with no fraction)", value);
    },
    (cell) => cell,
  );
}

// Floats travel through integer cells so that Atomics can move them whole.
const scratch = new ArrayBuffer(8);
const f32 = new Float32Array(scratch, 0, 1);
const i32 = new Int32Array(scratch, 0, 1);
const f64 = new Float64Array(scratch, 0, 1);
const i64 = new BigInt64Array(scratch, 0, 1);

function checkNumber(code: Typecode, cType: string, value: unknown): number {
  if (typeof value !== "number") throw typeError(code, cType, "numbers", value);
  return value;
}

const specs: Readonly<Record<Typecode, TypeSpec>> = {
  c: spec(
    "c",
    "char",
    1,
    Uint8Array,
    Uint8Array,
    (value) => {
      if (value instanceof Uint8Array && value.length === 1) return value[0]!;
      if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 255) return value;
      throw typeError("c", "char", "one byte (a 1-byte Uint8Array such as Uint8Array.of(0x61), or a byte value 0 … 255)", value);
    },
    (cell) => Uint8Array.of(cell as number),
  ),
  u: spec(
    "u",
    "wchar_t",
    4,
    Uint32Array,
    Uint32Array,
    (value) => {
      if (typeof value === "string" && value.length > 0 && value.length <= 2) {
        const point = value.codePointAt(0)!;
        if (String.fromCodePoint(point).length === value.length) return point;
      }
      throw typeError("u", "wchar_t", "one character (a string of one code point)", value);
    },
    (cell) => {
      const point = cell as number;
      if (point > 0x10ffff) throw new RangeError(`a 'u' element holds ${point}, which is not a Unicode code point`);
      return String.fromCodePoint(point);
    },
  ),
  b: smallInt("b", "signed char", 1, Int8Array),
  B: smallInt("B", "unsigned char", 1, Uint8Array),
  h: smallInt("h", "short", 2, Int16Array),
  H: smallInt("H", "unsigned short", 2, Uint16Array),
  i: smallInt("i", "int", 4, Int32Array),
  I: smallInt("I", "unsigned int", 4, Uint32Array),
  l: bigInt("l", "long", BigInt64Array),
  L: bigInt("L", "unsigned long", BigUint64Array),
  q: bigInt("q", "long long", BigInt64Array),
  Q: bigInt("Q", "unsigned long long", BigUint64Array),
  f: spec(
    "f",
    "float",
    4,
    Int32Array,
    Float32Array,
    (value) => {
      f32[0] = checkNumber("f", "float", value);
      return i32[0]!;
    },
    (cell) => {
      i32[0] = cell as number;
      return f32[0]!;
    },
  ),
  d: spec(
    "d",
    "double",
    8,
    BigInt64Array,
    Float64Array,
    (value) => {
      f64[0] = checkNumber("d", "double", value);
      return i64[0]!;
    },
    (cell) => {
      i64[0] = cell as bigint;
      return f64[0]!;
    },
  ),
};

/** The valid typecodes, in Python's documentation order. */
export const TYPECODES: readonly Typecode[] = Object.keys(specs) as Typecode[];

/**
 * How `code` is stored.
 *
 * @throws TypeError for an unknown typecode, listing the valid ones.
 */
export function specOf(code: unknown): TypeSpec {
  if (typeof code === "string" && Object.hasOwn(specs, code)) return specs[code as Typecode];
  throw new TypeError(
    `unknown typecode ${shown(code)}: use one of ${TYPECODES.map((c) => `'${c}'`).join(" ")} ` +
      "(c char, u wchar_t, b/B signed/unsigned char, h/H short, i/I int, l/L long (64-bit), q/Q long long, f float, d double)",
  );
}

/**
 * The bytes of shared memory for `length` elements: rounded up to whole 8-byte words, since the
 * primitive base class views every buffer as 32-bit cells and the 64-bit views need alignment.
 */
export function bufferBytes(spec: TypeSpec, length: number): number {
  return Math.max(8, Math.ceil((spec.bytes * length) / 8) * 8);
}

/** Reads element `index` whole. */
export function load(spec: TypeSpec, cells: Cells, index: number): unknown {
  return spec.fromCell(Atomics.load(cells as Int32Array, index));
}

/**
 * What a cell holds once `value` is written to it: checked, and wrapped around as C does.
 *
 * @throws TypeError if `value` does not fit the typecode's kind.
 */
export function cellOf(spec: TypeSpec, value: unknown): number | bigint {
  return spec.wrap(spec.toCell(value));
}

/** Writes a cell value (from {@link cellOf}) whole. */
export function storeCell(cells: Cells, index: number, cell: number | bigint): void {
  (Atomics.store as (a: Cells, i: number, v: number | bigint) => number | bigint)(cells, index, cell);
}

/**
 * Writes element `index` whole, wrapping integers around as C does (the cells are integer arrays,
 * and `Atomics.store` wraps as they do), without computing what it now reads as.
 *
 * @throws TypeError if `value` does not fit the typecode's kind.
 */
export function write(spec: TypeSpec, cells: Cells, index: number, value: unknown): void {
  storeCell(cells, index, spec.toCell(value));
}

/**
 * The synchronous accessors' write (`value.value = x`, `array.setAt(i, x)`): as {@link write},
 * but cells of up to 32 bits take a plain store, as C's does — still whole, and a lock's release
 * orders it for the next holder. A sequentially consistent store cost a third of a lock-protected
 * `v.value += 1`. 64-bit cells, whose plain writes may tear, take `Atomics.store`.
 *
 * @throws TypeError if `value` does not fit the typecode's kind.
 */
export function writeSync(spec: TypeSpec, cells: Cells, index: number, value: unknown): void {
  const cell = spec.toCell(value);
  if (spec.tearFree) (cells as Int32Array)[index] = cell as number;
  else storeCell(cells, index, cell);
}

/**
 * Writes element `index` whole, wrapping integers around as C does; returns what the element
 * now reads as.
 *
 * @throws TypeError if `value` does not fit the typecode's kind.
 */
export function store(spec: TypeSpec, cells: Cells, index: number, value: unknown): unknown {
  const cell = cellOf(spec, value);
  storeCell(cells, index, cell);
  return spec.fromCell(cell);
}
