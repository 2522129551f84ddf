/**
 * The byte layout of a message for the `process` target: one Uint8Array holding the JSON text
 * (UTF-8) and the binary attachments, with their lengths. All integers are big-endian u32.
 *
 * ```text
 * offset 0   "MPC" 0x02        magic and layout version
 *        4   json byte length
 *        8   attachment count N
 *       12   N × attachment byte length
 *   12+4N   JSON text, UTF-8
 *            attachments, each starting at an offset that is a multiple of 8 (zero bytes pad
 *            the gap before it); the message ends where the last attachment does
 * ```
 *
 * Why attachments are 8-aligned: V8 copies between SharedArrayBuffer memory (a queue's buffer)
 * and other memory word by word only when both sides are equally aligned, and byte by byte
 * otherwise — six times slower for a megabyte (measured on Node 24: 41 µs against 260 µs). A
 * message that starts 8-aligned keeps its attachments aligned wherever they are copied to.
 *
 * The lengths must add up to the message's length exactly, so truncation and trailing bytes
 * are detected before anything is parsed; the JSON is decoded as strict UTF-8 and then checked
 * node by node by the decoder. (Bit flips inside a string or a number would still decode: the
 * transport, a local socket, does not flip bits, so there is no checksum to pay for.)
 *
 * @module
 */
import { DeserializationError } from "./errors.ts";

const magic = [0x4d, 0x50, 0x43] as const; // "MPC"
const version = 2;
const fixedHeader = 12;
/** JSON texts up to this many UTF-16 units are encoded/decoded in JS: cheaper than a native call. */
const smallText = 1024;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// Plain byte arithmetic instead of DataView: asking a small typed array for its `.buffer`
// makes V8 move it off the heap, which costs more than the whole rest of a small message.
/**
 * Writes `n` as a big-endian u32 at `at`.
 *
 * @example
 * ```ts
 * const b = new Uint8Array(4);
 * writeU32(b, 0, 258); // b is [0, 0, 1, 2]
 * ```
 */
export function writeU32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
}

/**
 * Reads a big-endian u32 at `at`.
 *
 * @example
 * ```ts
 * readU32(new Uint8Array([0, 0, 1, 2]), 0); // 258
 * ```
 */
export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** `n` rounded up to a multiple of 8. */
function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** UTF-8 length of a string (lone surrogates count as U+FFFD, as TextEncoder writes them). */
function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 2 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** Writes `text` as UTF-8 at `at` (exactly utf8Length(text) bytes). */
function writeUtf8(out: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[at++] = c;
    } else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out[at++] = 0xf0 | (c >> 18);
          out[at++] = 0x80 | ((c >> 12) & 0x3f);
          out[at++] = 0x80 | ((c >> 6) & 0x3f);
          out[at++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
}

/**
 * Decodes `bytes[start, end)` as strict UTF-8; short pure-ASCII texts (the common case) without a
 * native call or a view (creating a typed-array view costs more than decoding a short text).
 */
function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= smallAscii) {
    let text = "";
    let i = start;
    for (; i < end; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) break;
      text += String.fromCharCode(b);
    }
    if (i === end) return text;
  } else if (end - start <= smallText) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return strictUtf8.decode(bytes.subarray(start, end));
}

/** ASCII texts up to this many bytes are built a character at a time. */
const smallAscii = 32;

/** The attachments of a message that has none (most messages): shared, never written to. */
const noBins: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

/**
 * Bytes for a message: a fresh region of a shared 64 KiB slab for small messages, else a buffer
 * of its own. Creating an ArrayBuffer costs 0.7–1.2 µs on Deno (any size) and on Node (above 64
 * bytes), more than the rest of a small message; a view of a slab costs ~40 ns. Regions are never
 * reused, so a view stays valid as long as it is held (and holds its slab in memory). Never
 * transfer such a view's buffer: it is the slab.
 *
 * @internal
 */
export function allocate(n: number): Uint8Array {
  if (n > slabPiece) return new Uint8Array(n);
  if (slabUsed + n > slab.byteLength) {
    slab = new Uint8Array(slabBytes);
    slabUsed = 0;
  }
  const piece = slab.subarray(slabUsed, slabUsed + n);
  slabUsed += (n + 7) & ~7; // 8-aligned, for views of any element size
  return piece;
}

/**
 * Bytes for a message that is copied on before the next message of this thread is encoded (a
 * queue's put copies it into the queue's shared buffer at once): the start of a buffer that this
 * thread reuses, a small one for small messages (see {@link smallScratch}) and another up to
 * {@link scratchLimit} bytes. A fresh buffer of a megabyte costs more than
 * copying a megabyte (its pages are new to the process: measured 150–500 µs per MiB, a copy
 * 40–80 µs). Check with {@link isScratch} and copy before holding such bytes across an `await`.
 *
 * @example
 * ```ts
 * const bytes = allocateScratch(1 << 20);
 * const kept = isScratch(bytes) ? bytes.slice() : bytes; // before anything else is encoded here
 * ```
 *
 * @internal
 */
export function allocateScratch(n: number): Uint8Array {
  if (n <= slabPiece) return (smallScratchViews[n] ??= smallScratch.subarray(0, n));
  if (n > scratchLimit) return new Uint8Array(n);
  if (scratch.byteLength < n) {
    if (spareScratch !== undefined && spareScratch.byteLength >= n) scratch = spareScratch;
    else scratch = new Uint8Array(Math.max(n, scratch.byteLength * 2));
    spareScratch = undefined;
  }
  return scratch.subarray(0, n);
}

/**
 * Keeps `bytes` past the next message encoded in this thread: scratch bytes (see
 * {@link allocateScratch}) take the scratch buffer with them — the thread goes on with the one
 * last given back through the returned function, or a new one — and other bytes are kept as they
 * are. What a put that must wait does with its item: where a copy would be fresh memory (a
 * megabyte: 1–2 ms of page faults on the project machine), a buffer given back is reused.
 *
 * @returns the bytes to keep, and what to call once they are no longer needed.
 *
 * @example
 * ```ts
 * const kept = keepScratch(bytes);
 * await somethingThatEncodes();
 * use(kept.bytes);
 * kept.done();
 * ```
 *
 * @internal
 */
export function keepScratch(bytes: Uint8Array): { readonly bytes: Uint8Array; done(): void } {
  if (bytes.buffer === smallScratch.buffer) return { bytes: bytes.slice(), done: () => {} };
  if (!isScratch(bytes)) return { bytes, done: () => {} };
  const kept = scratch;
  scratch = spareScratch ?? new Uint8Array(0);
  spareScratch = undefined;
  return {
    bytes,
    done: () => {
      if (spareScratch === undefined || spareScratch.byteLength < kept.byteLength) spareScratch = kept;
    },
  };
}

/**
 * Whether `bytes` are a view of this thread's scratch buffer (see {@link allocateScratch}), which
 * the next message encoded here overwrites.
 *
 * @example
 * ```ts
 * isScratch(allocateScratch(1 << 20)); // true
 * isScratch(new Uint8Array(8)); // false
 * ```
 *
 * @internal
 */
export function isScratch(bytes: Uint8Array): boolean {
  return bytes.buffer === scratch.buffer || bytes.buffer === smallScratch.buffer;
}

/** The largest message that goes through the scratch buffer. */
const scratchLimit = 32 * 1024 * 1024;
let scratch = new Uint8Array(0);
/** A scratch buffer given back (see {@link keepScratch}): the next one when the scratch must grow. */
let spareScratch: Uint8Array<ArrayBuffer> | undefined;

const slabBytes = 64 * 1024;
/** Messages up to this size come from the slab, and scratch ones from {@link smallScratch}. */
const slabPiece = 4 * 1024;
/**
 * Small scratch messages (a queue's put of a number, a short string): views of the start of one
 * buffer, one view per length, made once and handed out again. Making a view costs ~0.1 µs and
 * leaves garbage behind: a producer of 300,000 small items spent ~13 % of its time collecting
 * garbage (CPU profile, Node), part of it these views.
 */
const smallScratch = new Uint8Array(slabPiece);
const smallScratchViews: Array<Uint8Array | undefined> = [];
let slab = new Uint8Array(0);
let slabUsed = 0;

/**
 * Lays out JSON text and attachments in one new Uint8Array (the attachments are copied in);
 * `pooled`: in a region of a slab (see {@link allocate}), for bytes that are copied on soon;
 * `"scratch"`: see {@link allocateScratch}, for bytes that are copied on at once.
 *
 * @example
 * ```ts
 * const bytes = packMessage('{"a":1}', [new Uint8Array([1, 2])]);
 * unpackMessage(bytes).json; // '{"a":1}'
 * ```
 */
export function packMessage(json: string, bins: readonly Uint8Array[], pooled: boolean | "scratch" = false): Uint8Array {
  const small = json.length <= smallText;
  const text = small ? undefined : utf8.encode(json);
  const textLength = text === undefined ? utf8Length(json) : text.byteLength;
  if (textLength > 0xffffffff) throw new RangeError("the message's JSON text is larger than 4 GiB");
  const head = fixedHeader + 4 * bins.length;
  let total = head + textLength;
  for (let i = 0; i < bins.length; i++) {
    const length = bins[i]!.byteLength;
    if (length > 0xffffffff) throw new RangeError(`binary attachment ${i} is larger than 4 GiB`);
    total = align8(total) + length;
  }
  const out = messageBytes(total, pooled);
  writeHeader(out, textLength, bins.length);
  if (text === undefined) writeUtf8(out, head, json);
  else out.set(text, head);
  let at = head + textLength;
  for (let i = 0; i < bins.length; i++) {
    const bin = bins[i]!;
    writeU32(out, fixedHeader + 4 * i, bin.byteLength);
    // The padding is zeroed: a slab or scratch region may hold an earlier message's bytes.
    for (const end = align8(at); at < end; at++) out[at] = 0;
    out.set(bin, at);
    at += bin.byteLength;
  }
  return out;
}

/** Memory for a message of `total` bytes, as `packMessage`'s `pooled` says. */
function messageBytes(total: number, pooled: boolean | "scratch"): Uint8Array {
  return pooled === "scratch" ? allocateScratch(total) : pooled ? allocate(total) : new Uint8Array(total);
}

/** Writes a message's fixed header: magic number, layout version, text length, attachment count. */
function writeHeader(out: Uint8Array, textLength: number, count: number): void {
  out[0] = magic[0];
  out[1] = magic[1];
  out[2] = magic[2];
  out[3] = version;
  writeU32(out, 4, textLength);
  writeU32(out, 8, count);
}

/** The most digits of a small integer (see {@link smallIntegerIn}): any such number is exact in a double. */
const SMALL_INTEGER_DIGITS = 15;
/** The largest small integer: {@link SMALL_INTEGER_DIGITS} nines. */
const SMALL_INTEGER_MAX = 10 ** SMALL_INTEGER_DIGITS - 1;

/**
 * The message of a small integer (see {@link smallIntegerIn}), its digits written straight into
 * the bytes, or `undefined` for any other number. The same bytes as `packMessage(String(n), [])`,
 * without the string.
 *
 * @example
 * ```ts
 * packSmallInteger(-42, false); // the bytes of packMessage("-42", [])
 * ```
 *
 * @internal
 */
export function packSmallInteger(n: number, pooled: boolean | "scratch"): Uint8Array | undefined {
  if (!Number.isInteger(n) || n > SMALL_INTEGER_MAX || n < -SMALL_INTEGER_MAX || (n === 0 && 1 / n < 0)) return undefined;
  let m = n < 0 ? -n : n;
  let digits = 1;
  for (let rest = m; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const textLength = n < 0 ? digits + 1 : digits;
  const out = messageBytes(fixedHeader + textLength, pooled);
  writeHeader(out, textLength, 0);
  if (n < 0) out[fixedHeader] = 0x2d; // "-"
  for (let at = fixedHeader + textLength - 1; digits > 0; digits--, at--) {
    const next = Math.floor(m / 10);
    out[at] = 0x30 + (m - next * 10);
    m = next;
  }
  return out;
}

/**
 * A message split into its JSON text and its attachments, each attachment in an ArrayBuffer of
 * its own (see {@link copyMessageParts}).
 *
 * @internal
 */
export interface MessageParts {
  /** The JSON text. */
  readonly json: string;
  /** The attachments, each spanning a non-shared ArrayBuffer of its own. */
  readonly bins: readonly Uint8Array[];
}

/**
 * Copies a message made by {@link packMessage} out of `bytes` (memory about to be reused, such
 * as a queue's shared buffer) as its parts: the JSON text, and each attachment into an
 * ArrayBuffer of its own, which the decoder then adopts as it is. A large attachment is copied
 * once this way, where copying the whole message out and decoding it copies it twice.
 *
 * @throws DeserializationError as {@link unpackMessage} does.
 *
 * @example
 * ```ts
 * const parts = copyMessageParts(packMessage("null", [new Uint8Array(8)]));
 * parts.bins[0].buffer.byteLength; // 8
 * ```
 *
 * @internal
 */
export function copyMessageParts(bytes: Uint8Array): MessageParts {
  const { json, bins } = unpackMessage(bytes);
  if (bins.length === 0) return { json, bins: noBins };
  // new + set: slice() of a view of shared memory takes a slow path (measured 7× slower on Node).
  const own = bins.map((bin) => {
    const copy = new Uint8Array(bin.byteLength);
    copy.set(bin);
    return copy;
  });
  return { json, bins: own };
}

/**
 * Lays the parts of a message out as one message again (the inverse of {@link copyMessageParts}).
 *
 * @example
 * ```ts
 * repackMessage(copyMessageParts(bytes)); // the same bytes as `bytes`
 * ```
 *
 * @internal
 */
export function repackMessage(parts: MessageParts): Uint8Array {
  return packMessage(parts.json, parts.bins);
}

function broken(detail: string): never {
  throw new DeserializationError(`cannot decode the message bytes: ${detail}.`);
}

/**
 * The number a well-formed message holds when its whole JSON text is a small integer (at most 15
 * digits, so exact; no `-0`, no leading zero): read from the bytes, with no string made and no
 * JSON parser run. `undefined` for anything else, which {@link unpackMessage} then reads (and
 * reports, if it is malformed). A queue's most common item is a number: a consumer of 300,000
 * of them spent ~15 % of its time building their text and parsing it (CPU profile, Node).
 *
 * @example
 * ```ts
 * smallIntegerIn(packMessage("-42", [])); // -42
 * smallIntegerIn(packMessage("4.5", [])); // undefined
 * ```
 *
 * @internal
 */
export function smallIntegerIn(bytes: Uint8Array): number | undefined {
  const size = bytes.byteLength;
  const digits = size - fixedHeader;
  if (digits < 1 || digits > SMALL_INTEGER_DIGITS + 1 || bytes[0] !== magic[0] || bytes[1] !== magic[1] || bytes[2] !== magic[2] || bytes[3] !== version) return undefined;
  if (readU32(bytes, 4) !== digits || readU32(bytes, 8) !== 0) return undefined;
  let at = fixedHeader;
  const negative = bytes[at] === 0x2d; // "-"
  if (negative) at++;
  if (size - at < 1 || size - at > SMALL_INTEGER_DIGITS || (bytes[at] === 0x30 && size - at > 1)) return undefined;
  let n = 0;
  for (; at < size; at++) {
    const d = bytes[at]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  if (negative) return n === 0 ? undefined : -n;
  return n;
}

/**
 * Splits a message made by {@link packMessage} into its JSON text and attachments (views into
 * `bytes`, not copies).
 *
 * @throws DeserializationError when the bytes are truncated, have trailing garbage, a wrong
 *   magic number or version, or JSON text that is not valid UTF-8.
 *
 * @example
 * ```ts
 * const { json, bins } = unpackMessage(packMessage("null", []));
 * ```
 */
export function unpackMessage(bytes: Uint8Array): { json: string; bins: Uint8Array[] } {
  if (!(bytes instanceof Uint8Array)) broken("expected a Uint8Array");
  const size = bytes.byteLength;
  if (size < fixedHeader) broken(`truncated: ${size} bytes, but the header alone is ${fixedHeader}`);
  if (bytes[0] !== magic[0] || bytes[1] !== magic[1] || bytes[2] !== magic[2]) {
    broken("not a multiproc codec message (bad magic number); the stream is out of step or not from multiproc");
  }
  if (bytes[3] !== version) {
    broken(`layout version ${bytes[3]!}, but this build reads version ${version}: use the same multiproc version on both sides`);
  }
  const jsonLength = readU32(bytes, 4);
  const count = readU32(bytes, 8);
  const head = fixedHeader + 4 * count;
  if (head > size) broken(`truncated: ${size} bytes, but the header announces ${count} attachments`);
  let expected = head + jsonLength;
  for (let i = 0; i < count; i++) expected = align8(expected) + readU32(bytes, fixedHeader + 4 * i);
  if (expected > size) broken(`truncated: ${size} bytes, but the header announces ${expected}`);
  if (expected < size) broken(`${size - expected} unexpected bytes after the ${expected}-byte message`);
  let json: string;
  try {
    json = readUtf8(bytes, head, head + jsonLength);
  } catch {
    return broken("the JSON text is not valid UTF-8");
  }
  if (count === 0) return { json, bins: noBins };
  const bins = new Array<Uint8Array>(count);
  let at = head + jsonLength;
  for (let i = 0; i < count; i++) {
    const length = readU32(bytes, fixedHeader + 4 * i);
    at = align8(at);
    bins[i] = bytes.subarray(at, at + length);
    at += length;
  }
  return { json, bins };
}
