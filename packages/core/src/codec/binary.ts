/**
 * Binary data: the typed-array and DataView types the codec knows, and how attachments are
 * turned back into buffers.
 *
 * @module
 */

/**
 * A constructor of a typed array or DataView, as used to rebuild a view.
 *
 * @example
 * ```ts
 * const ctor: ViewConstructor = Float64Array;
 * new ctor(new ArrayBuffer(16), 0, 2);
 * ```
 */
export type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => ArrayBufferView;

interface ViewType {
  readonly ctor: ViewConstructor;
  readonly bytesPerElement: number;
}

const viewNames = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array", // not on every runtime version; looked up, not assumed
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
];

const viewTypes = new Map<string, ViewType>();
for (const name of viewNames) {
  const ctor = (globalThis as Record<string, unknown>)[name] as (ViewConstructor & { BYTES_PER_ELEMENT: number }) | undefined;
  if (typeof ctor === "function") viewTypes.set(name, { ctor, bytesPerElement: ctor.BYTES_PER_ELEMENT });
}
viewTypes.set("DataView", { ctor: DataView as unknown as ViewConstructor, bytesPerElement: 1 });

// %TypedArray%.prototype[@@toStringTag] is a getter that returns the concrete type name for any
// typed array (a Node Buffer answers "Uint8Array") and undefined for everything else.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Int8Array.prototype) as object,
  Symbol.toStringTag,
)!.get as (this: unknown) => string | undefined;

/**
 * The type name a view is sent as: `"Uint8Array"` … `"BigUint64Array"` or `"DataView"`;
 * `undefined` for a view type the codec does not know. Subclasses (Node's Buffer) answer with
 * their built-in base type.
 *
 * @example
 * ```ts
 * viewTypeName(Buffer.from("hi")); // "Uint8Array"
 * ```
 */
export function viewTypeName(view: ArrayBufferView): string | undefined {
  const tag = typedArrayTag.call(view);
  if (tag !== undefined) return viewTypes.has(tag) ? tag : undefined;
  return view instanceof DataView ? "DataView" : undefined;
}

/**
 * The constructor and element size for a view type name, or `undefined` when this runtime
 * has no such type.
 *
 * @example
 * ```ts
 * viewType("Float64Array")?.bytesPerElement; // 8
 * ```
 */
export function viewType(name: string): ViewType | undefined {
  return viewTypes.get(name);
}

const SAB = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer;

/**
 * Whether a value is a SharedArrayBuffer (false everywhere if the runtime has none).
 *
 * @example
 * ```ts
 * isSharedArrayBuffer(new SharedArrayBuffer(8)); // true
 * ```
 */
export function isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer {
  return SAB !== undefined && value instanceof SAB;
}

/**
 * An ArrayBuffer holding an attachment's bytes. When the attachment spans a whole non-shared
 * buffer (as the ones `encode()` makes do, also after a transfer), that buffer is adopted
 * without copying; otherwise (e.g. a slice of a byte stream) the bytes are copied, which also
 * gives every typed array an aligned buffer of its own.
 *
 * @example
 * ```ts
 * const b = new Uint8Array([1, 2, 3]);
 * attachmentBuffer(b) === b.buffer; // true
 * ```
 */
export function attachmentBuffer(bin: ArrayBufferView): ArrayBuffer {
  const buffer = bin.buffer;
  if (bin.byteOffset === 0 && bin.byteLength === buffer.byteLength && buffer instanceof ArrayBuffer && !buffer.resizable) {
    return buffer;
  }
  return new Uint8Array(buffer, bin.byteOffset, bin.byteLength).slice().buffer;
}
