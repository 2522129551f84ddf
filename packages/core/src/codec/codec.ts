/**
 * The message codec: turns values sent between a parent and its children (Process args, queue
 * items, pipe messages, task results) into JSON text plus binary attachments that can cross a
 * worker-thread boundary (`postMessage`) or an OS-process boundary (a byte stream), and back.
 * It behaves identically on Node.js, Deno and Bun.
 *
 * What travels (the same as structured clone, except where noted):
 * - primitives, including `undefined`, `NaN`, `±Infinity`, `-0` and BigInt;
 * - plain objects (own enumerable string keys) and arrays. *Differences:* array holes arrive as
 *   `undefined`, and extra non-index properties of arrays are not sent;
 * - class instances that are not handles arrive as plain objects of their own enumerable
 *   properties (structured clone does the same): methods and private fields stay behind;
 * - Map, Set, Date (also invalid), RegExp (source and flags; `lastIndex` arrives as 0), boxed
 *   primitives;
 * - ArrayBuffer, every typed array and DataView: only the view's own bytes are sent, and it
 *   arrives at offset 0 of a buffer of its own (a Node Buffer arrives as a Uint8Array).
 *   *Difference:* two views of one ArrayBuffer arrive with separate buffers; resizable buffers
 *   arrive fixed-size;
 * - SharedArrayBuffer and views over one: by reference with target `"thread"` (writes are seen
 *   on both sides); refused with target `"process"`;
 * - Errors: class, name, message, stack, `cause` (recursively), `errors` of AggregateError, and
 *   own enumerable extra properties (e.g. `code`). See `registerErrorClass`;
 * - handles (objects with a `[reduceSymbol]` method): see `registerHandle`;
 * - shared references and cycles, anywhere in the value.
 *
 * Functions, symbols, Promises, WeakMap/WeakSet/WeakRef, MessagePorts and other thread-bound
 * objects throw a {@link SerializationError} at encode time that names the path to them.
 *
 * @module
 */
import { type MessageParts, packMessage, packSmallInteger, smallIntegerIn, unpackMessage } from "./bytes.ts";
import { decodeTree } from "./decode.ts";
import { encodeTree, isJsonNumber, tooDeep } from "./encode.ts";
import { DeserializationError, isStackOverflow } from "./errors.ts";
import type { Target } from "./handles.ts";

export type { Target } from "./handles.ts";

/**
 * An encoded value: ready to `postMessage` (transfer the `bins`' buffers) or to lay out as bytes.
 *
 * @example
 * ```ts
 * import { encode } from "@multiproc/core";
 * const msg = encode({ pixels: new Uint8Array(1024) }, { target: "thread" });
 * worker.postMessage(msg, msg.bins.map((b) => b.buffer));
 * ```
 */
export interface Encoded {
  /** JSON text of the tagged tree. */
  json: string;
  /** Binary attachments: fresh copies, each spanning its own ArrayBuffer, safe to transfer. */
  bins: Uint8Array[];
  /** Target `"thread"` only: SharedArrayBuffers passed by reference (empty otherwise). */
  shared: SharedArrayBuffer[];
}

/**
 * Options of {@link encode}.
 *
 * @example
 * ```ts
 * import { encode, type EncodeOptions } from "@multiproc/core";
 * const opts: EncodeOptions = { target: "thread", path: "args" };
 * encode([1, 2], opts);
 * ```
 */
export interface EncodeOptions {
  /** Where the value goes; `"process"` (the default) refuses SharedArrayBuffers. */
  target?: Target;
  /** The name of the value in error messages; default `"value"` (e.g. `"args"` gives `args[1].x`). */
  path?: string;
}

function checkTarget(target: unknown): Target {
  if (target === "thread" || target === "process") return target;
  throw new TypeError(`encode: target must be "thread" or "process", got ${JSON.stringify(target)}.`);
}

/**
 * Encodes a value for another thread or process. The result is a snapshot: mutating `value`
 * afterwards does not change what `decode` returns.
 *
 * @param value - anything the codec carries (see the module documentation).
 * @param opts - `target` (default `"process"`) and `path` (root name for error messages).
 * @throws SerializationError when part of the value cannot be sent; its `path` says which.
 *
 * @example
 * ```ts
 * import { decode, encode } from "@multiproc/core";
 * const msg = encode({ when: new Date(0), tags: new Set(["a"]) });
 * decode(msg); // { when: Date(0), tags: Set { "a" } }
 * ```
 */
export function encode(value: unknown, opts?: EncodeOptions): Encoded {
  const root = opts?.path ?? "value";
  const { tree, bins, shared } = encodeTree(value, checkTarget(opts?.target ?? "process"), root, true);
  return { json: stringify(tree, root), bins, shared };
}

/**
 * Decodes a value made by {@link encode} (possibly after a `postMessage`).
 *
 * Zero-copy: the returned ArrayBuffers and typed arrays use the memory of `encoded.bins` (each
 * bin spans its own buffer, as `encode` makes them), so `decode` takes ownership of the bins:
 * decode each `Encoded` once, or copy the bins before decoding it again.
 *
 * @throws DeserializationError when the message is corrupt; UnknownHandleError when it holds a
 *   handle whose kind is not registered here.
 *
 * @example
 * ```ts
 * import { decode, encode } from "@multiproc/core";
 * const back = decode(encode([1n, -0, undefined])); // [1n, -0, undefined]
 * ```
 */
export function decode(encoded: Encoded): unknown {
  if (typeof encoded !== "object" || encoded === null || typeof encoded.json !== "string" || !Array.isArray(encoded.bins)) {
    throw new DeserializationError("cannot decode: expected an Encoded value { json, bins, shared } made by encode().");
  }
  const shared = encoded.shared ?? [];
  if (!Array.isArray(shared)) throw new DeserializationError("cannot decode: Encoded.shared is not an array.");
  for (const bin of encoded.bins) {
    if (!ArrayBuffer.isView(bin)) throw new DeserializationError("cannot decode: Encoded.bins holds something other than bytes.");
  }
  return rebuild(parse(encoded.json), encoded.bins, shared);
}

function stringify(tree: unknown, root: string): string {
  try {
    return JSON.stringify(tree);
  } catch (err) {
    throw isStackOverflow(err) ? tooDeep(root) : err;
  }
}

function rebuild(tree: unknown, bins: readonly ArrayBufferView[], shared: readonly SharedArrayBuffer[]): unknown {
  try {
    return decodeTree(tree, bins, shared);
  } catch (err) {
    if (!isStackOverflow(err)) throw err;
    throw new DeserializationError(
      "cannot decode the message: it is nested too deeply for this runtime's stack. Send the value flattened (e.g. an array of nodes).",
    );
  }
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw new DeserializationError(
      `cannot decode the message: its JSON text is invalid (${(err as Error).message}). It is corrupt or truncated.`,
    );
  }
}

/**
 * Encodes a value for another OS process as one Uint8Array: the JSON text (UTF-8) and the
 * binary attachments with their lengths (layout in `bytes.ts`). Target `"process"`: a
 * SharedArrayBuffer in the value throws a {@link SerializationError}.
 *
 * @example
 * ```ts
 * import { decodeFromBytes, encodeToBytes, frame } from "@multiproc/core";
 * const bytes = encodeToBytes({ id: 7, body: new Uint8Array([1, 2, 3]) }, { path: "message" });
 * socket.write(frame(bytes));
 * decodeFromBytes(bytes); // { id: 7, body: Uint8Array [1, 2, 3] }
 * ```
 */
export function encodeToBytes(value: unknown, opts?: { path?: string }): Uint8Array {
  return encodeBytes(value, opts?.path ?? "value", false);
}

/**
 * {@link encodeToBytes}, into a region of a shared slab when small (see `allocate`): for bytes
 * that are copied on at once (into a queue's buffer, a stream frame).
 *
 * @internal
 */
export function encodeToPooledBytes(value: unknown, path: string): Uint8Array {
  return encodeBytes(value, path, true);
}

/**
 * Encodes a value to bytes that the next message encoded on this thread may overwrite (see
 * `allocateScratch`): for a put that copies them into a queue's buffer at once.
 *
 * @param value - the value.
 * @param path - its name in error messages.
 * @returns the bytes; `isScratch(bytes)` says whether they must be copied before they are kept.
 * @throws SerializationError as {@link encodeToBytes} does.
 *
 * @example
 * ```ts
 * const bytes = encodeToScratchBytes(new Uint8Array(1 << 20), "item");
 * buffer.set(bytes, at); // before anything else is encoded
 * ```
 *
 * @internal
 */
export function encodeToScratchBytes(value: unknown, path: string): Uint8Array {
  return encodeBytes(value, path, "scratch");
}

/** The attachments of a plain value's message: none, in one array rather than a new one per message. */
const NO_BINS: readonly Uint8Array[] = Object.freeze([]);

function encodeBytes(value: unknown, root: string, pooled: boolean | "scratch"): Uint8Array {
  const integer = typeof value === "number" ? packSmallInteger(value, pooled) : undefined;
  if (integer !== undefined) return integer;
  const plain = plainJson(value);
  if (plain !== undefined) return packMessage(plain, NO_BINS, pooled);
  // The attachments are views of the original bytes here: packMessage copies them before returning.
  const { tree, bins } = encodeTree(value, "process", root, false);
  return packMessage(stringify(tree, root), bins, pooled);
}

/**
 * Decodes a value made by {@link encodeToBytes}. The result does not share memory with `bytes`.
 *
 * @throws DeserializationError when the bytes are truncated, have trailing bytes, or are
 *   corrupt; it never returns a partial value.
 *
 * @example
 * ```ts
 * import { decodeFromBytes, encodeToBytes } from "@multiproc/core";
 * decodeFromBytes(encodeToBytes(new Map([[1, "one"]]))); // Map { 1 => "one" }
 * ```
 */
export function decodeFromBytes(bytes: Uint8Array): unknown {
  const n = bytes instanceof Uint8Array ? smallIntegerIn(bytes) : undefined;
  if (n !== undefined) return n;
  const { json, bins } = unpackMessage(bytes);
  // The bins are slices of `bytes`, so the decoder copies each one into a buffer of its own.
  return decodeMessage(json, bins);
}

/** Decodes a message's JSON text and attachments (adopted when each spans a buffer of its own). */
function decodeMessage(json: string, bins: readonly Uint8Array[]): unknown {
  const tree = parse(json);
  // A primitive is itself (JSON carries every primitive the encoder writes as itself exactly).
  if (bins.length === 0 && (typeof tree !== "object" || tree === null)) return tree;
  return rebuild(tree, bins, []);
}

/**
 * Decodes a message from its parts (see `copyMessageParts`), adopting the attachments' buffers
 * without copying them. Parts that came from another process are checked first.
 *
 * @throws DeserializationError when the parts are malformed or the JSON text is invalid.
 *
 * @example
 * ```ts
 * decodeFromParts(copyMessageParts(encodeToBytes(new Uint8Array(8)))); // Uint8Array(8)
 * ```
 *
 * @internal
 */
export function decodeFromParts(parts: MessageParts): unknown {
  if (typeof parts !== "object" || parts === null || typeof parts.json !== "string" || !Array.isArray(parts.bins)) {
    throw new DeserializationError("cannot decode: expected a message's parts { json, bins }.");
  }
  for (const bin of parts.bins) {
    if (!(bin instanceof Uint8Array)) throw new DeserializationError("cannot decode: a message part holds something other than bytes.");
  }
  return decodeMessage(parts.json, parts.bins);
}

/**
 * The JSON text of a primitive that JSON carries exactly as itself (a string, a boolean, `null`,
 * a finite number other than -0), or `undefined` for anything else. Skips the walk for the most
 * common queue items.
 */
function plainJson(value: unknown): string | undefined {
  switch (typeof value) {
    case "number":
      // For a finite number JSON.stringify is ToString, which String() is without the JSON
      // serializer's set-up: 2–3× faster for the integers queues carry most (Node, Deno).
      return isJsonNumber(value) ? String(value) : undefined;
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return value === null ? "null" : undefined;
    default:
      return undefined;
  }
}
