/**
 * The encoder: turns a value into the JSON-ready tagged tree described in `tags.ts`, plus its
 * binary attachments and (thread target) the SharedArrayBuffers passed by reference.
 *
 * The walk copies as it goes, reading each property once, so the tree is a snapshot: mutating
 * the value afterwards never changes what the receiver gets. Paths for error messages are only
 * built when a value is rejected (each container adds its segment while the error unwinds).
 *
 * @module
 */
import { isSharedArrayBuffer, viewTypeName } from "./binary.ts";
import { errorClassChain } from "./error-classes.ts";
import { isStackOverflow, SerializationError } from "./errors.ts";
import { reduceSymbol, type Target } from "./handles.ts";
import {
  handleStateSegment,
  indexSegment,
  keySegment,
  mapKeySegment,
  mapValueSegment,
  setMemberSegment,
} from "./paths.ts";
import { T, TAG } from "./tags.ts";

/**
 * What the walk produces.
 *
 * @example
 * ```ts
 * const { tree, bins, shared }: EncodedTree = encodeTree(new Uint8Array(2), "thread", "value", true);
 * // tree: { $mp: "T", t: "Uint8Array", b: 0 }, bins: [Uint8Array(2)], shared: []
 * ```
 */
export interface EncodedTree {
  /** The tagged tree, ready for `JSON.stringify`. */
  tree: unknown;
  /** Binary attachments: copies, or views of the original bytes when `copyBins` was false. */
  bins: Uint8Array[];
  /** SharedArrayBuffers passed by reference (thread target only). */
  shared: SharedArrayBuffer[];
}

interface State {
  readonly target: Target;
  readonly copyBins: boolean;
  /** Object → its number, in order of first appearance. */
  readonly seen: Map<object, number>;
  next: number;
  /** Whether any `r` node was written (the tree is then wrapped in a `G` node). */
  graph: boolean;
  readonly bins: Uint8Array[];
  readonly shared: SharedArrayBuffer[];
}

/** A rejected value on its way up to `encodeTree`, collecting path segments (innermost first). */
class Unsendable {
  readonly reason: string;
  readonly segments: string[] = [];
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** Adds a path segment to a rejection on its way up; formats it only then, never on the fast path. */
function withSegment(err: unknown, segment: () => string): unknown {
  if (err instanceof Unsendable) err.segments.push(segment());
  return err;
}

/**
 * Walks `value` into a tagged tree. `copyBins: false` leaves attachments as views of the
 * original bytes, for a caller that copies them before returning (`encodeToBytes`).
 *
 * @throws SerializationError for a value that cannot be sent, with its path under `root`.
 *
 * @example
 * ```ts
 * const { tree } = encodeTree({ n: NaN }, "process", "value", true);
 * JSON.stringify(tree); // '{"n":{"$mp":"n","v":"NaN"}}'
 * ```
 */
export function encodeTree(value: unknown, target: Target, root: string, copyBins: boolean): EncodedTree {
  const st: State = { target, copyBins, seen: new Map(), next: 0, graph: false, bins: [], shared: [] };
  let tree: unknown;
  try {
    tree = encodeValue(value, st);
  } catch (err) {
    if (err instanceof Unsendable) throw new SerializationError(root + err.segments.reverse().join(""), err.reason);
    if (isStackOverflow(err)) throw tooDeep(root);
    throw err;
  }
  if (st.graph) tree = { [TAG]: T.graph, v: tree };
  return { tree, bins: st.bins, shared: st.shared };
}

/**
 * The error for a value nested deeper than the runtime's stack allows (the walk and
 * `JSON.stringify` are recursive, like structured clone).
 *
 * @example
 * ```ts
 * throw tooDeep("args");
 * ```
 */
export function tooDeep(root: string): SerializationError {
  return new SerializationError(
    root,
    "it is nested too deeply to encode within this runtime's stack (thousands of levels, e.g. a long linked list). " +
      "Send it flattened, e.g. as an array of nodes.",
  );
}

const undefinedNode = Object.freeze({ [TAG]: T.undef });

/**
 * Whether JSON carries the number exactly as itself: finite and not -0.
 *
 * @example
 * ```ts
 * isJsonNumber(1.5); // true
 * isJsonNumber(-0); // false
 * ```
 */
export function isJsonNumber(v: number): boolean {
  return v - v === 0 && (v !== 0 || 1 / v > 0);
}

function encodeValue(v: unknown, st: State): unknown {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      // Finite and not -0: JSON carries it exactly.
      return isJsonNumber(v) ? v : { [TAG]: T.number, v: Object.is(v, -0) ? "-0" : String(v) };
    case "object":
      return v === null ? null : encodeObject(v, st);
    case "undefined":
      return undefinedNode;
    case "bigint":
      return { [TAG]: T.bigint, v: v.toString() };
    case "function":
      if (typeof (v as unknown as Record<symbol, unknown>)[reduceSymbol] === "function") return encodeObject(v, st);
      throw new Unsendable("function is not serialisable. Pass data, or a task(...) reference.");
    default:
      throw new Unsendable(
        `symbol ${String(v)} is not serialisable. Send a string (e.g. its description) instead.`,
      );
  }
}

function encodeObject(v: object, st: State): unknown {
  const id = st.seen.get(v);
  if (id !== undefined) {
    st.graph = true;
    return { [TAG]: T.ref, i: id };
  }
  st.seen.set(v, st.next++);
  if (Array.isArray(v)) return encodeArray(v, st);
  const proto: unknown = Object.getPrototypeOf(v);
  if ((proto === Object.prototype || proto === null) && (v as Record<symbol, unknown>)[reduceSymbol] === undefined) {
    return encodePlain(v as Record<string, unknown>, st);
  }
  return encodeSpecial(v, st);
}

/** Arrays this long or longer that hold only numbers travel as one float64 attachment. */
const NUMBERS_MIN = 16;

function encodeArray(src: readonly unknown[], st: State): unknown {
  const n = src.length;
  if (n >= NUMBERS_MIN && typeof src[0] === "number") {
    const numbers = encodeNumbers(src, st);
    if (numbers !== undefined) return numbers;
  }
  const out = new Array<unknown>(n);
  let i = 0;
  try {
    for (; i < n; i++) {
      const x = src[i]; // a hole reads as undefined and is sent as undefined
      out[i] = typeof x === "string" ? x : encodeValue(x, st);
    }
  } catch (err) {
    throw withSegment(err, () => indexSegment(i));
  }
  return out;
}

/**
 * An array of numbers only, as an `F` node over a float64 attachment: no text conversion either
 * way, and every number (NaN, -0, ±Infinity) exact. `undefined` when an item is not a number
 * (or a hole); the caller then walks the array item by item.
 */
function encodeNumbers(src: readonly unknown[], st: State): unknown {
  const numbers = packNumbers(src);
  if (numbers === undefined) return undefined;
  return { [TAG]: T.numbers, b: st.bins.push(new Uint8Array(numbers.buffer)) - 1 };
}

/**
 * The items as one `Float64Array`, or `undefined` when one of them is not a number (a hole is
 * not), checked in the same pass. Every number (NaN, -0, ±Infinity) is kept exactly.
 *
 * @param src - an array.
 * @returns the packed numbers, or undefined.
 *
 * @example
 * ```ts
 * packNumbers([1, -0, NaN]); // Float64Array [1, -0, NaN]
 * packNumbers([1, "2"]); // undefined
 * ```
 *
 * @internal
 */
export function packNumbers(src: readonly unknown[]): Float64Array | undefined {
  const n = src.length;
  const numbers = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = src[i];
    if (typeof x !== "number") return undefined;
    numbers[i] = x;
  }
  return numbers;
}

/** Own enumerable string-keyed properties, as structured clone takes them. */
function encodePlain(src: Record<string, unknown>, st: State): unknown {
  const keys = Object.keys(src);
  if (Object.hasOwn(src, TAG)) return encodeEscaped(src, keys, st);
  const out: Record<string, unknown> = {};
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const k = keys[i]!;
      const x = src[k];
      const e = typeof x === "string" ? x : encodeValue(x, st);
      if (k === "__proto__") defineData(out, k, e);
      else out[k] = e;
    }
  } catch (err) {
    throw withSegment(err, () => keySegment(keys[i]!));
  }
  return out;
}

/** A plain object that has the tag key itself travels as an `O` node of key/value pairs. */
function encodeEscaped(src: Record<string, unknown>, keys: readonly string[], st: State): unknown {
  const e: unknown[] = [];
  let i = 0;
  try {
    for (; i < keys.length; i++) e.push(keys[i], encodeValue(src[keys[i]!], st));
  } catch (err) {
    throw withSegment(err, () => keySegment(keys[i]!));
  }
  return { [TAG]: T.escaped, e };
}

function defineData(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function encodeSpecial(v: object, st: State): unknown {
  const reduce = (v as Record<symbol, unknown>)[reduceSymbol];
  if (typeof reduce === "function") return encodeHandle(v, reduce as (t: Target) => unknown, st);
  if (ArrayBuffer.isView(v)) return encodeView(v, st);
  if (v instanceof ArrayBuffer) {
    if (v.detached) throw new Unsendable(detachedReason("ArrayBuffer"));
    return { [TAG]: T.buffer, b: addBin(st, new Uint8Array(v)) };
  }
  if (isSharedArrayBuffer(v)) {
    if (st.target === "process") throw new Unsendable(sharedReason("SharedArrayBuffer"));
    return { [TAG]: T.shared, i: st.shared.push(v) - 1 };
  }
  if (v instanceof Date) {
    const time = v.getTime();
    return { [TAG]: T.date, v: time === time ? time : null };
  }
  if (v instanceof RegExp) return { [TAG]: T.regexp, s: v.source, f: v.flags };
  if (v instanceof Map) return encodeMap(v, st);
  if (v instanceof Set) return encodeSet(v, st);
  if (v instanceof Error) return encodeError(v, st);
  if (v instanceof Number) return { [TAG]: T.boxed, v: encodeValue(v.valueOf(), st) };
  if (v instanceof String || v instanceof Boolean) return { [TAG]: T.boxed, v: v.valueOf() };
  if (v instanceof BigInt) return { [TAG]: T.boxed, v: encodeValue(v.valueOf(), st) };
  const refusal = refusalFor(v);
  if (refusal !== undefined) throw new Unsendable(refusal);
  // Any other class instance: its own enumerable properties, as structured clone does.
  return encodePlain(v as Record<string, unknown>, st);
}

function encodeHandle(v: object, reduce: (target: Target) => unknown, st: State): unknown {
  const reduced = reduce.call(v, st.target) as { kind?: unknown; state?: unknown } | null | undefined;
  if (reduced === null || typeof reduced !== "object" || typeof reduced.kind !== "string" || reduced.kind === "") {
    throw new Unsendable(
      "its [reduceSymbol]() method did not return { kind: string, state }. Fix that method in the object's class.",
    );
  }
  const kind = reduced.kind;
  let state: unknown;
  try {
    state = encodeValue(reduced.state, st);
  } catch (err) {
    throw withSegment(err, () => handleStateSegment(kind));
  }
  return { [TAG]: T.handle, k: kind, s: state };
}

function encodeView(v: ArrayBufferView, st: State): unknown {
  const type = viewTypeName(v);
  if (type === undefined) {
    throw new Unsendable(`${constructorName(v)} is not serialisable: it is not a typed array or DataView this codec knows.`);
  }
  const buffer = v.buffer;
  if (isSharedArrayBuffer(buffer)) {
    if (st.target === "process") throw new Unsendable(sharedReason(`${type} over a SharedArrayBuffer`));
    // The view shares memory with the receiver, exactly like the buffer itself.
    const s = encodeObject(buffer, st);
    return { [TAG]: T.view, t: type, s, o: v.byteOffset, l: v.byteLength };
  }
  if ((buffer as ArrayBuffer).detached) throw new Unsendable(detachedReason(type));
  return { [TAG]: T.view, t: type, b: addBin(st, new Uint8Array(buffer, v.byteOffset, v.byteLength)) };
}

function addBin(st: State, bytes: Uint8Array): number {
  return st.bins.push(st.copyBins ? bytes.slice() : bytes) - 1;
}

function encodeMap(v: Map<unknown, unknown>, st: State): unknown {
  const e: unknown[] = [];
  let entry = 0;
  let key: unknown;
  let atKey = true;
  try {
    for (const [k, x] of v) {
      key = k;
      atKey = true;
      e.push(encodeValue(k, st));
      atKey = false;
      e.push(encodeValue(x, st));
      entry++;
    }
  } catch (err) {
    throw withSegment(err, () => atKey ? mapKeySegment(entry) : mapValueSegment(key, entry));
  }
  return { [TAG]: T.map, e };
}

function encodeSet(v: Set<unknown>, st: State): unknown {
  const members: unknown[] = [];
  try {
    for (const x of v) members.push(encodeValue(x, st));
  } catch (err) {
    throw withSegment(err, () => setMemberSegment(members.length));
  }
  return { [TAG]: T.set, v: members };
}

/** Error properties sent in their own fields rather than among the extra properties. */
const errorFields = new Set(["message", "stack"]);
const isEnumerable = (o: object, k: string) => Object.prototype.propertyIsEnumerable.call(o, k);

function encodeError(v: Error, st: State): unknown {
  const node: Record<string, unknown> = {
    [TAG]: T.error,
    c: errorClassChain(v),
    n: String(v.name),
    m: String(v.message),
  };
  const stack = v.stack;
  if (typeof stack === "string") node.s = stack;
  let segment = ".cause";
  try {
    // Non-enumerable own `cause` / `errors` (as the constructors make them) have their own
    // fields; enumerable ones (assigned later) travel with the other own enumerable props.
    if (Object.hasOwn(v, "cause") && !isEnumerable(v, "cause")) node.ca = encodeValue((v as { cause?: unknown }).cause, st);
    segment = ".errors";
    if (Object.hasOwn(v, "errors") && !isEnumerable(v, "errors")) {
      node.er = encodeValue((v as { errors?: unknown }).errors, st);
    }
    const props: unknown[] = [];
    for (const k of Object.keys(v)) {
      if (errorFields.has(k)) continue;
      segment = keySegment(k);
      props.push(k, encodeValue((v as unknown as Record<string, unknown>)[k], st));
    }
    if (props.length > 0) node.p = props;
  } catch (err) {
    throw withSegment(err, () => segment);
  }
  return node;
}

function constructorName(v: object): string {
  const ctor = (v as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === "string" && ctor.name !== "" ? ctor.name : "this object";
}

function sharedReason(what: string): string {
  return (
    `a ${what} cannot cross OS processes (target "process"): JavaScript has no memory shared between processes. ` +
    `Use Value/Array from @multiproc/core, which work in both contexts, or run the children in the "thread" context.`
  );
}

function detachedReason(what: string): string {
  return `the ${what}'s ArrayBuffer is detached (it was transferred elsewhere), so there are no bytes to send.`;
}

/** Objects that structured clone refuses too: bound to this thread, or not data at all. */
const refusals: ReadonlyArray<readonly [string, string]> = [
  ["Symbol", "a boxed symbol (Object(symbol)) is not serialisable. Send a string instead."],
  ["Promise", "Promise is not serialisable. Await it and send the result."],
  ["WeakMap", "WeakMap is not serialisable: its entries cannot be enumerated. Send a Map instead."],
  ["WeakSet", "WeakSet is not serialisable: its members cannot be enumerated. Send a Set instead."],
  ["WeakRef", "WeakRef is not serialisable. Send the referenced value (deref()) instead."],
  ["FinalizationRegistry", "FinalizationRegistry is not serialisable: it belongs to this thread's garbage collector."],
  ["MessagePort", "MessagePort is not serialisable: it is bound to this thread. Use a Pipe or Queue to talk to the child."],
  ["EventTarget", "is bound to this thread and not serialisable. Send plain data describing it instead."],
  ["Blob", "Blob is not serialisable synchronously. Send `await blob.arrayBuffer()` instead."],
  ["ReadableStream", "ReadableStream is not serialisable. Read it and send the data, or use a Pipe/Queue."],
  ["WritableStream", "WritableStream is not serialisable. Use a Pipe or Queue to send data back."],
  ["TransformStream", "TransformStream is not serialisable. Use a Pipe or Queue."],
  ["Headers", "Headers is not serialisable. Send Object.fromEntries(headers) instead."],
  ["Request", "Request is not serialisable. Send its URL, method, headers and body as data."],
  ["Response", "Response is not serialisable. Send its status, headers and body as data."],
];
const refusalReasons = new Map(refusals);

/**
 * Why `v` cannot be sent, if its class is one of the refusals. The classes are looked up by the
 * names on `v`'s prototype chain, and read from `globalThis` only on a match: reading `Headers`,
 * `Request` or `Response` from Node's globals loads its fetch implementation (~30 ms), which every
 * child would pay at start-up.
 */
function refusalFor(v: object): string | undefined {
  for (let proto: unknown = Object.getPrototypeOf(v); proto !== null && typeof proto === "object"; proto = Object.getPrototypeOf(proto)) {
    const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value as { name?: unknown } | undefined;
    const name = typeof ctor?.name === "string" ? ctor.name : undefined;
    const reason = name === undefined ? undefined : refusalReasons.get(name);
    if (name === undefined || reason === undefined) continue;
    const global = (globalThis as Record<string, unknown>)[name];
    if (typeof global === "function" && v instanceof (global as abstract new (...a: never[]) => unknown)) {
      return name === "EventTarget" ? `${constructorName(v)} ${reason}` : reason;
    }
  }
  return undefined;
}
