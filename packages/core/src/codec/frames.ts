/**
 * Length-prefixed framing for byte streams (a Unix socket, a pipe): each payload is sent as a
 * 4-byte big-endian length followed by the payload, and {@link FrameReader} reassembles
 * payloads from chunks split anywhere.
 *
 * @module
 */
import { readU32, writeU32 } from "./bytes.ts";
import { FrameError } from "./errors.ts";

const maxFrame = 0xffffffff;

/**
 * One frame: the payload's length as a 4-byte big-endian integer, then the payload.
 *
 * @throws FrameError when the payload is 4 GiB or larger.
 *
 * @example
 * ```ts
 * import { frame } from "@multiproc/core";
 * frame(new Uint8Array([7, 8])); // Uint8Array [0, 0, 0, 2, 7, 8]
 * ```
 */
export function frame(payload: Uint8Array): Uint8Array {
  const n = payload.byteLength;
  if (n > maxFrame) throw new FrameError(`cannot frame a ${n}-byte payload: the length prefix holds at most ${maxFrame} bytes.`);
  const out = new Uint8Array(4 + n);
  writeU32(out, 0, n);
  out.set(payload, 4);
  return out;
}

/**
 * Options of {@link FrameReader}.
 *
 * @example
 * ```ts
 * import { FrameReader, type FrameReaderOptions } from "@multiproc/core";
 * const opts: FrameReaderOptions = { maxPayloadBytes: 64 * 1024 * 1024 };
 * const reader = new FrameReader(opts);
 * ```
 */
export interface FrameReaderOptions {
  /**
   * The largest payload accepted, in bytes (default 1 GiB). A larger length prefix means the
   * stream is corrupt or out of step; the reader throws instead of allocating it.
   */
  maxPayloadBytes?: number;
}

/**
 * Reassembles framed payloads from a byte stream, whatever the chunk boundaries. Each
 * payload is returned as a Uint8Array of its own (copied out of the chunks, so a stream that
 * reuses its read buffer is safe).
 *
 * @example
 * ```ts
 * import { FrameReader, decodeFromBytes } from "@multiproc/core";
 * const reader = new FrameReader();
 * socket.on("data", (chunk: Uint8Array) => {
 *   for (const payload of reader.push(chunk)) handle(decodeFromBytes(payload));
 * });
 * ```
 */
export class FrameReader {
  readonly #max: number;
  readonly #header = new Uint8Array(4);
  #headerFill = 0;
  #body: Uint8Array | null = null;
  #bodyFill = 0;
  #failure: FrameError | null = null;

  /**
   * @param options - `maxPayloadBytes`, the largest payload accepted (default 1 GiB).
   *
   * @example
   * ```ts
   * const reader = new FrameReader({ maxPayloadBytes: 1 << 20 });
   * ```
   */
  constructor(options?: FrameReaderOptions) {
    const max = options?.maxPayloadBytes ?? 2 ** 30;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`FrameReader: maxPayloadBytes must be a non-negative integer, got ${String(max)}.`);
    }
    this.#max = max;
  }

  /**
   * Feeds a chunk of the stream.
   *
   * @returns the payloads completed by this chunk, in order (often none, sometimes several).
   * @throws FrameError when a length prefix exceeds `maxPayloadBytes`; the reader then stays
   *   broken (the stream is out of step) and throws on every later push.
   *
   * @example
   * ```ts
   * const reader = new FrameReader();
   * const bytes = frame(new Uint8Array([1, 2, 3]));
   * reader.push(bytes.subarray(0, 5)); // []
   * reader.push(bytes.subarray(5));    // [Uint8Array [1, 2, 3]]
   * ```
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failure !== null) throw this.#failure;
    const done: Uint8Array[] = [];
    const n = chunk.byteLength;
    let at = 0;
    while (at < n) {
      if (this.#body === null) {
        // Reading the length prefix, possibly split across chunks.
        while (this.#headerFill < 4 && at < n) this.#header[this.#headerFill++] = chunk[at++]!;
        if (this.#headerFill < 4) break;
        const length = readU32(this.#header, 0);
        this.#headerFill = 0;
        if (length > this.#max) {
          this.#failure = new FrameError(
            `a frame announces ${length} bytes, more than the ${this.#max} this reader accepts: ` +
              "the stream is corrupt or out of step (or raise maxPayloadBytes).",
          );
          throw this.#failure;
        }
        if (length === 0) {
          done.push(new Uint8Array(0));
          continue;
        }
        this.#body = new Uint8Array(length);
        this.#bodyFill = 0;
      }
      const body = this.#body;
      const take = Math.min(body.byteLength - this.#bodyFill, n - at);
      body.set(chunk.subarray(at, at + take), this.#bodyFill);
      this.#bodyFill += take;
      at += take;
      if (this.#bodyFill === body.byteLength) {
        done.push(body);
        this.#body = null;
        this.#bodyFill = 0;
      }
    }
    return done;
  }

  /**
   * How many bytes of an incomplete frame (prefix included) are buffered. Zero at a frame
   * boundary: a stream that ends with `pending > 0` was cut mid-frame.
   *
   * @example
   * ```ts
   * const reader = new FrameReader();
   * reader.push(new Uint8Array([0, 0, 0, 9, 1]));
   * reader.pending; // 5
   * ```
   */
  get pending(): number {
    return this.#body === null ? this.#headerFill : 4 + this.#bodyFill;
  }
}
