/**
 * The messages between a parent and one child: typed messages, encoded with the codec. A
 * worker-thread child gets its start in its initial data (`encodeThreadMessages`); a child OS
 * process talks over a Unix socket carrying length-prefixed frames (`StreamChannel`), and messages
 * sent before the socket is connected are queued.
 *
 * @internal
 * @module
 */
import { decode, decodeFromBytes, encode, frame, FrameReader } from "../codec/index.ts";
import { encodeToPooledBytes } from "../codec/codec.ts";
import { writeU32 } from "../codec/bytes.ts";
import type { ByteStream, Refable } from "../runtime/index.ts";

/** A message on the channel: its type and its data. */
export interface Message {
  /** What the message is (`"start"`, …). */
  readonly type: string;
  /** Its data, already decoded. */
  readonly data: unknown;
}

/** One side of a parent–child channel. */
export interface Channel {
  /**
   * Encodes and sends a message. Throws `SerializationError` (synchronously) for data that cannot
   * be sent, naming the offending part from `path` (default: the message type), e.g. `args[1].f`.
   */
  send(type: string, data: unknown, path?: string): void;
  /** Calls `handler` for every message of `type`. */
  on(type: string, handler: (data: unknown) => void): void;
  /**
   * Calls `handler` for every message of `type` with a function that decodes it: for data that
   * may hold handles whose kinds are registered only by modules the receiver has yet to import.
   */
  onLazy(type: string, handler: (decode: () => unknown) => void): void;
  /** Calls `cb` once, when the channel is closed or its peer is gone. */
  onClose(cb: () => void): void;
  /** Closes this side. */
  close(): void;
}

/** What a child needs of its channel to start: handlers by message type. */
export type Receiver = Pick<Channel, "on" | "onLazy">;

/** A message to send: its type, its data, and the name of its data in error messages. */
export interface OutgoingMessage {
  /** What the message is (`"start"`, …). */
  readonly type: string;
  /** Its data, encoded with the codec. */
  readonly data: unknown;
  /** How an error names the data (`args` → `args[1].f`); the type by default. */
  readonly path?: string;
}

interface ThreadWire {
  t: string;
  j: string;
  b: Uint8Array[];
  s: SharedArrayBuffer[];
}

class Dispatcher {
  readonly #handlers = new Map<string, Array<(data: unknown) => void>>();
  readonly #lazy = new Map<string, (decode: () => unknown) => void>();
  readonly #closeCallbacks: Array<() => void> = [];
  #closed = false;

  on(type: string, handler: (data: unknown) => void): void {
    const list = this.#handlers.get(type);
    if (list === undefined) this.#handlers.set(type, [handler]);
    else list.push(handler);
  }

  onLazy(type: string, handler: (decode: () => unknown) => void): void {
    this.#lazy.set(type, handler);
  }

  /** Hands a message to its handlers; `decode` is called at most once, when first needed. */
  dispatch(type: string, decode: () => unknown): void {
    const lazy = this.#lazy.get(type);
    if (lazy !== undefined) {
      lazy(decode);
      return;
    }
    const handlers = this.#handlers.get(type);
    if (handlers === undefined || handlers.length === 0) return;
    const data = decode();
    for (const handler of handlers) handler(data);
  }

  onClose(cb: () => void): void {
    if (this.#closed) queueMicrotask(cb);
    else this.#closeCallbacks.push(cb);
  }

  get closed(): boolean {
    return this.#closed;
  }

  markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cb of this.#closeCallbacks.splice(0)) cb();
  }
}

/** Handlers by message type: what a thread child's start and a stream channel share. */
class DispatchingReceiver implements Receiver {
  protected readonly dispatcher = new Dispatcher();

  on(type: string, handler: (data: unknown) => void): void {
    this.dispatcher.on(type, handler);
  }

  onLazy(type: string, handler: (decode: () => unknown) => void): void {
    this.dispatcher.onLazy(type, handler);
  }
}

/** A message encoded for a worker thread's initial data, and the buffers it can move there. */
export interface ThreadMessages {
  /** The messages, in order. */
  readonly wires: ThreadWire[];
  /** Their attachments: fresh buffers of the codec's own, moved rather than copied. */
  readonly transfer: ArrayBuffer[];
}

/**
 * Encodes the messages that start a worker-thread child. They travel in the worker's initial data
 * (`workerData`), not through its port: the child has them before its first line runs, with no
 * message to wait for and none to lose (Deno's `node:worker_threads` can lose a message posted
 * before the worker listens).
 *
 * @throws SerializationError for data that cannot be sent, naming the offending part from `path`.
 *
 * @example
 * ```ts
 * const { wires, transfer } = encodeThreadMessages([{ type: "args", data: [1, "a"], path: "args" }]);
 * adapter.startThread(entry, { multiprocChild: true, start: wires }, console.error, transfer);
 * ```
 */
export function encodeThreadMessages(messages: readonly OutgoingMessage[]): ThreadMessages {
  const wires: ThreadWire[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const { type, data, path } of messages) {
    const e = encode(data, { target: "thread", path: path ?? type });
    wires.push({ t: type, j: e.json, b: e.bins, s: e.shared });
    for (const b of e.bins) transfer.push(b.buffer as ArrayBuffer);
  }
  return { wires, transfer };
}

/**
 * The worker side of a thread child's start: hands the messages of its initial data (see
 * {@link encodeThreadMessages}) to the handlers registered for them.
 *
 * @example
 * ```ts
 * const receiver = new ThreadStartReceiver();
 * receiver.on("start", (info) => console.log(info));
 * receiver.deliver((adapter.workerData as { start: unknown }).start);
 * ```
 */
export class ThreadStartReceiver extends DispatchingReceiver {
  /** Delivers `wires` (what the parent encoded), in order; malformed entries are ignored. */
  deliver(wires: unknown): void {
    if (!Array.isArray(wires)) return;
    for (const m of wires as ThreadWire[]) {
      if (m === null || typeof m !== "object" || typeof m.t !== "string") continue;
      this.dispatcher.dispatch(m.t, () => decode({ json: m.j, bins: m.b, shared: m.s }));
    }
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A frame on the socket: the type's length (one byte), the type, then the encoded data. */
function streamFrame(type: string, body: Uint8Array): Uint8Array {
  const typeBytes = typeBytesOf(type);
  const payload = new Uint8Array(1 + typeBytes.length + body.length);
  payload[0] = typeBytes.length;
  payload.set(typeBytes, 1);
  payload.set(body, 1 + typeBytes.length);
  return frame(payload);
}

function typeBytesOf(type: string): Uint8Array {
  const typeBytes = textEncoder.encode(type);
  if (typeBytes.length > 255) throw new RangeError(`message type too long: ${type}`);
  return typeBytes;
}

/** A channel over a Unix socket, which may be attached after messages were sent. */
export class StreamChannel extends DispatchingReceiver implements Channel, Refable {
  #stream: ByteStream | undefined;
  readonly #queued: Uint8Array[] = [];
  readonly #raw = new Map<string, (body: Uint8Array) => void>();
  #reader = new FrameReader();
  #refed = true;

  constructor(stream?: ByteStream) {
    super();
    if (stream !== undefined) this.attach(stream);
  }

  /**
   * Connects the channel to its socket and flushes what was queued. A handshake that read from
   * the socket before it was attached hands over its reader (which may hold part of a frame) and
   * the complete frames it read after its own.
   */
  attach(stream: ByteStream, handover?: { reader: FrameReader; frames: Uint8Array[] }): void {
    if (handover !== undefined) this.#reader = handover.reader;
    const early = handover?.frames ?? [];
    this.#stream = stream;
    if (!this.#refed) stream.unref();
    stream.onData((chunk) => {
      for (const payload of this.#reader.push(chunk)) this.#receive(payload);
    });
    for (const payload of early) this.#receive(payload);
    stream.onClose(() => this.dispatcher.markClosed());
    for (const bytes of this.#queued.splice(0)) stream.write(bytes);
  }

  onClose(cb: () => void): void {
    this.dispatcher.onClose(cb);
  }

  #receive(payload: Uint8Array): void {
    const typeLength = payload[0] ?? 0;
    const type = textDecoder.decode(payload.subarray(1, 1 + typeLength));
    const raw = this.#raw.get(type);
    if (raw !== undefined) raw(payload.subarray(1 + typeLength));
    else this.dispatcher.dispatch(type, () => decodeFromBytes(payload.subarray(1 + typeLength)));
  }

  send(type: string, data: unknown, path: string = type): void {
    this.#write(streamFrame(type, encodeToPooledBytes(data, path)));
  }

  /**
   * Sends a message whose body is bytes laid out by the caller (not the codec): `fill` writes
   * `length` bytes into `out` from `at`. The receiver gets them through {@link onRaw}.
   */
  sendRaw(type: string, length: number, fill: (out: Uint8Array, at: number) => void): void {
    const typeBytes = typeBytesOf(type);
    const out = new Uint8Array(4 + 1 + typeBytes.length + length);
    writeU32(out, 0, 1 + typeBytes.length + length);
    out[4] = typeBytes.length;
    out.set(typeBytes, 5);
    fill(out, 5 + typeBytes.length);
    this.#write(out);
  }

  /**
   * Settles once everything sent so far has been handed to the operating system (see
   * `ByteStream.written`): at once if nothing waits, or if the socket is not attached yet.
   */
  written(): Promise<void> {
    return this.#stream === undefined ? Promise.resolve() : this.#stream.written();
  }

  /** Calls `handler` with the body of every message of `type` sent with {@link sendRaw}. */
  onRaw(type: string, handler: (body: Uint8Array) => void): void {
    this.#raw.set(type, handler);
  }

  #write(bytes: Uint8Array): void {
    if (this.dispatcher.closed) return;
    if (this.#stream === undefined) this.#queued.push(bytes);
    else this.#stream.write(bytes);
  }

  close(): void {
    this.#stream?.end();
    this.dispatcher.markClosed();
  }

  ref(): void {
    if (this.#refed) return;
    this.#refed = true;
    this.#stream?.ref();
  }

  unref(): void {
    if (!this.#refed) return;
    this.#refed = false;
    this.#stream?.unref();
  }
}
