/**
 * `Pipe()` and `Connection`: Python's `multiprocessing.Pipe`, for both contexts.
 *
 * Each direction of a pipe is a queue (see `queue.ts`), so messages keep their boundaries and
 * order, and an end can be passed to children like any handle. As with OS pipes, the other side
 * sees the end of the pipe (`recv` throws {@link EOFError} after the last message) once **every**
 * copy of an end is closed: the one you kept, and the ones you passed to children. A child closes
 * the copies it still has when it ends; the copies of an OS process that dies, and of a worker
 * thread that is terminated, are closed for it (a thread's by the thread that started it, which
 * counts the copies each of its worker threads holds in the pipe's shared memory).
 *
 * @module
 */
import { reduceSymbol, registerHandle, type ReducedHandle, type Target } from "@multiproc/core";
import {
  adapter,
  currentProcessState,
  DONE,
  fromState,
  preloadInChildren,
  registerPrimitive,
  SharedPrimitive,
  watchThreadExits,
  type HolderWatcher,
  type Peer,
  type PrimitiveState,
} from "@multiproc/core/internal";
import { BufferTooShort, EOFError, QueueClosedError } from "./errors.ts";
import { pollQueue, SimpleQueue } from "./queue.ts";

/**
 * A message sent with `sendBytes`, told apart from an object sent with `send` (which travels as
 * itself: a number sent on a pipe costs what it costs on a queue).
 */
class PipeBytes {
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  [reduceSymbol](_target: Target): ReducedHandle {
    return { kind: "@multiproc/ipc:PipeBytes", state: this.bytes };
  }
}

registerHandle("@multiproc/ipc:PipeBytes", (state) => {
  if (!(state instanceof Uint8Array)) throw new TypeError("a pipe's bytes message holds something other than bytes");
  return new PipeBytes(state);
});

/** A message on a pipe: an object (`send`), or bytes (`sendBytes`). */
type Envelope = unknown;

/** What a refused put or get on a pipe's queue means for the pipe. */
function sendFailure(error: unknown): never {
  if (error instanceof QueueClosedError) throw new EOFError("cannot send: every copy of the other end of the pipe is closed");
  throw error;
}

/** What `recv()` returns for a message: the object, or the bytes of a `sendBytes` message. */
function unwrap(m: Envelope): unknown {
  return m instanceof PipeBytes ? m.bytes : m;
}

function receiveFailure(error: unknown): never {
  if (error instanceof QueueClosedError) throw new EOFError();
  throw error;
}

/**
 * The shared memory of a pipe's ends: the open copies of end 0 and of end 1, then
 * {@link THREAD_SLOTS} slots of three cells each — a worker thread's token (`threadId + 1`, 0 for
 * a free slot) and how many copies of each end that thread holds.
 */
const SLOTS_AT = 2;
/**
 * How many worker threads at once can have their copies of one pipe counted. A thread beyond
 * that holds copies that are not closed for it if it is terminated (it still closes them when it
 * ends by itself).
 */
const THREAD_SLOTS = 32;
const PIPE_CELLS = SLOTS_AT + 3 * THREAD_SLOTS;

/** Pipes whose memory is in this thread, kept while any copy is open: see `holderGone`. */
const watchedPipes = new Set<PipeEnds>();
/** The size at which `watchedPipes` is next swept of ended pipes (doubling: amortised O(1)). */
let sweepAt = 64;

/**
 * Counts the open copies of each end of a pipe, and closes an end's directions when its last copy
 * closes. The copies a process holds are counted per peer by the pipe's owner, and dropped when
 * the process goes; the copies a worker thread holds are counted in the shared memory, and
 * dropped by the thread that started it when it ends (see {@link PipeEnds.holderGone}).
 */
class PipeEnds extends SharedPrimitive implements HolderWatcher {
  readonly #queues: readonly [SimpleQueue<Envelope>, SimpleQueue<Envelope>];
  readonly #byPeer = new Map<number, [number, number]>();

  constructor(token: typeof fromState | undefined, state: PrimitiveState | undefined, queues: readonly [SimpleQueue<Envelope>, SimpleQueue<Envelope>]) {
    super(token === fromState && state !== undefined ? state : { sab: new SharedArrayBuffer(PIPE_CELLS * 4) });
    if (token !== fromState) {
      // Each end starts with one copy: the one Pipe() returns.
      Atomics.store(this.cells!, 0, 1);
      Atomics.store(this.cells!, 1, 1);
    }
    this.#queues = queues;
    if (this.isLocal) {
      // Held strongly while the pipe is open: a thread that passed an end to a worker thread and
      // then dropped its own copies must still close the worker's copies if it is terminated.
      // Pipes that ended in another thread are swept out now and then.
      if (watchedPipes.size >= sweepAt) {
        for (const pipe of watchedPipes) if (pipe.#ended) watchedPipes.delete(pipe);
        sweepAt = Math.max(64, 2 * watchedPipes.size);
      }
      watchedPipes.add(this);
      watchThreadExits(this);
    }
  }

  /** Whether every copy of both ends is closed. */
  get #ended(): boolean {
    return Atomics.load(this.cells!, 0) <= 0 && Atomics.load(this.cells!, 1) <= 0;
  }

  /**
   * A copy of `end` arrived here (its sender counted it when it sent it): counted as this
   * thread's or this process's, so that it is closed for them if they end without closing it. In
   * another OS process the owner counts it for the process (its peer); in a worker thread, the
   * shared memory counts it for the thread; a main thread's copies end with the process.
   */
  claim(end: 0 | 1): void {
    if (!this.isLocal) {
      // The owner answers nothing worth waiting for; an owner that has gone took the pipe with it.
      this.invoke("claim", [end]).catch(() => {});
      return;
    }
    const slot = this.#slotOf(adapter.threadId + 1, true);
    if (slot !== undefined) Atomics.add(this.cells!, slot + 1 + end, 1);
  }

  /** This thread closed a copy of `end` it had claimed. */
  unclaim(end: 0 | 1): void {
    const token = adapter.threadId + 1;
    const slot = this.#slotOf(token, false);
    if (slot === undefined) return;
    const c = this.cells!;
    if (Atomics.load(c, slot + 1 + end) > 0) Atomics.sub(c, slot + 1 + end, 1);
    // No copy left here: the slot is free again (only this thread writes its own slot).
    if (Atomics.load(c, slot + 1) === 0 && Atomics.load(c, slot + 2) === 0) Atomics.compareExchange(c, slot, token, 0);
  }

  /**
   * The index of the slot of the thread whose token is `token`: its own, or (with `take`) a free
   * one it now owns. Undefined on a main thread, in another process, or when every slot is taken.
   */
  #slotOf(token: number, take: boolean): number | undefined {
    const c = this.cells;
    if (c === undefined || adapter.threadId === 0) return undefined;
    for (let i = 0; i < THREAD_SLOTS; i++) if (Atomics.load(c, SLOTS_AT + 3 * i) === token) return SLOTS_AT + 3 * i;
    if (!take) return undefined;
    for (let i = 0; i < THREAD_SLOTS; i++) {
      if (Atomics.compareExchange(c, SLOTS_AT + 3 * i, 0, token) === 0) return SLOTS_AT + 3 * i;
    }
    return undefined;
  }

  /**
   * A worker thread started by this thread has ended (the token is its `threadId + 1`): the copies
   * it still held — it was terminated, or its own closing was cut short — are closed for it.
   * Taken with exchanges, so that they are closed once however many handles of this pipe this
   * thread holds.
   *
   * @internal
   */
  holderGone(holder: number): void {
    const c = this.cells!;
    for (let i = 0; i < THREAD_SLOTS; i++) {
      const slot = SLOTS_AT + 3 * i;
      if (Atomics.load(c, slot) !== holder) continue;
      const held = [Atomics.exchange(c, slot + 1, 0), Atomics.exchange(c, slot + 2, 0)] as const;
      Atomics.compareExchange(c, slot, holder, 0);
      for (const end of [0, 1] as const) if (held[end] > 0) void this.#drop(end, held[end]);
    }
  }

  /** The two directions: `queues[e]` carries what end `e` sends. */
  get queues(): readonly [SimpleQueue<Envelope>, SimpleQueue<Envelope>] {
    return this.#queues;
  }

  protected get kind(): string {
    return "@multiproc/ipc:PipeEnds";
  }

  protected override extraState(): unknown {
    return this.#queues;
  }

  /** One more copy of `end` exists (it is being sent somewhere). */
  retain(end: 0 | 1): Promise<unknown> {
    return this.invoke("retain", [end], true);
  }

  /** A copy of `end` was closed. */
  release(end: 0 | 1): Promise<unknown> {
    return this.invoke("release", [end], true);
  }

  protected override perform(method: string, args: unknown[], _holder: number, peer: Peer): unknown {
    const end = args[0] as 0 | 1;
    const cells = this.cells!;
    const mine = this.#byPeer.get(peer.id) ?? [0, 0];
    this.#byPeer.set(peer.id, mine);
    if (method === "retain") {
      // A copy on its way: counted for its receiver when it claims it (a receiver that dies
      // before its claim arrives leaves it open).
      Atomics.add(cells, end, 1);
      return undefined;
    }
    if (method === "claim") {
      if (peer.id !== 0) mine[end]++;
      return undefined;
    }
    if (method === "release") {
      if (peer.id !== 0 && mine[end] > 0) mine[end]--;
      return this.#drop(end, 1);
    }
    throw new TypeError(`PipeEnds has no method ${method}`);
  }

  async #drop(end: 0 | 1, n: number): Promise<void> {
    if (Atomics.sub(this.cells!, end, n) - n > 0) return;
    if (this.#ended) watchedPipes.delete(this);
    // The last copy of this end is gone: what it wrote ends, and nobody reads what it was sent.
    await this.#queues[end].close();
    await this.#queues[1 - end]!.close();
  }

  protected override peerGone(peer: Peer): void {
    const mine = this.#byPeer.get(peer.id);
    this.#byPeer.delete(peer.id);
    if (mine === undefined) return;
    for (const end of [0, 1] as const) if (mine[end] > 0) void this.#drop(end, mine[end]);
  }
}

preloadInChildren(import.meta.url);
registerPrimitive("@multiproc/ipc:PipeEnds", (state) => {
  const queues = state.extra as [SimpleQueue<Envelope>, SimpleQueue<Envelope>];
  return new PipeEnds(fromState, state, queues);
});

/** Connections of this thread that are still open, closed when a child ends. */
const open = new Set<Connection>();
currentProcessState.beforeExitHooks.add(async () => {
  await Promise.all([...open].map((c) => c.close()));
});

interface ConnectionState {
  readonly ends: PipeEnds;
  readonly end: 0 | 1;
  readonly readable: boolean;
  readonly writable: boolean;
}

function checkRange(length: number, offset: number, size: number | undefined, what: string): number {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`${what}: offset must be a non-negative integer`);
  if (offset > length) throw new RangeError(`${what}: offset ${offset} is past the end of the buffer (${length} bytes)`);
  const n = size ?? length - offset;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what}: size must be a non-negative integer`);
  if (offset + n > length) throw new RangeError(`${what}: offset + size (${offset + n}) is past the end of the buffer (${length} bytes)`);
  return n;
}

function asBytes(buf: ArrayBufferView | ArrayBuffer, what: string): Uint8Array {
  if (buf instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && buf instanceof SharedArrayBuffer)) return new Uint8Array(buf);
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  throw new TypeError(`${what}: expected bytes (a Uint8Array, another typed array, a DataView or an ArrayBuffer)`);
}

/**
 * One end of a pipe (Python's `multiprocessing.connection.Connection`). Pass it to a child as a
 * `Process` argument; the child gets a copy of the same end.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 * import { Pipe, type Connection } from "@multiproc/ipc";
 *
 * export const child = task(import.meta, async function child(conn: Connection) {
 *   await conn.send({ hello: "parent" });
 *   await conn.close();
 * });
 *
 * if (isMain(import.meta)) {
 *   const [parentEnd, childEnd] = Pipe();
 *   const p = new Process({ target: child, args: [childEnd] });
 *   p.start();
 *   await childEnd.close(); // the child has its own copy
 *   console.log(await parentEnd.recv()); // { hello: "parent" }
 *   await p.join();
 * }
 * ```
 */
export class Connection {
  readonly #ends: PipeEnds;
  readonly #end: 0 | 1;
  readonly #readable: boolean;
  readonly #writable: boolean;
  #closed = false;

  /** @internal */
  constructor(state: ConnectionState, received = false) {
    this.#ends = state.ends;
    this.#end = state.end;
    this.#readable = state.readable;
    this.#writable = state.writable;
    open.add(this);
    if (received) this.#ends.claim(this.#end);
  }

  /** The queue this end writes to. */
  get #outbox(): SimpleQueue<Envelope> {
    return this.#ends.queues[this.#end];
  }

  /** Why `method` cannot run on this end, or `undefined` when it can. */
  #refusal(what: "read" | "write", method: string): TypeError | undefined {
    if (this.#closed) return new TypeError(`${method}(): the connection is closed`);
    if (what === "read" && !this.#readable) return new TypeError(`${method}(): this end of the one-way pipe is write-only`);
    if (what === "write" && !this.#writable) return new TypeError(`${method}(): this end of the one-way pipe is read-only`);
    return undefined;
  }

  #check(what: "read" | "write", method: string): void {
    const refused = this.#refusal(what, method);
    if (refused !== undefined) throw refused;
  }

  /** Whether `close()` was called on this copy. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether this end can receive. */
  get readable(): boolean {
    return this.#readable;
  }

  /** Whether this end can send. */
  get writable(): boolean {
    return this.#writable;
  }

  /**
   * Sends an object to the other end. It is copied now; later changes do not reach the receiver.
   *
   * @param obj - anything the codec carries.
   * @throws TypeError on a closed or read-only end; EOFError if every copy of the other end is closed.
   */
  send(obj: unknown): Promise<void> {
    // Not an async function: one promise per message instead of three (the function's, the
    // await's and the catch's), which is a tenth of a small message's cost between threads.
    const refused = this.#refusal("write", "send");
    return refused === undefined ? this.#put(obj) : Promise.reject(refused);
  }

  /**
   * Receives the next object, waiting for it.
   *
   * @returns the object.
   * @throws EOFError once the other end is closed and every message it sent has been received.
   */
  recv(): Promise<unknown> {
    // One promise per message, as in send().
    const refused = this.#refusal("read", "recv");
    return refused === undefined ? this.#inbox.get().then(unwrap, receiveFailure) : Promise.reject(refused);
  }

  /**
   * Whether a message (or the end of the pipe) is ready to be received, waiting up to `timeoutMs`.
   *
   * @param timeoutMs - how long to wait: 0 (the default) checks at once; `null` waits forever.
   * @returns true if `recv()` would not wait.
   */
  poll(timeoutMs: number | null = 0): Promise<boolean> {
    this.#check("read", "poll");
    return pollQueue(this.#inbox as never, timeoutMs === null ? undefined : timeoutMs);
  }

  /**
   * Sends bytes as one message: `size` bytes of `buf` from `offset`.
   *
   * @param buf - the bytes.
   * @param offset - where to start in `buf` (default 0).
   * @param size - how many bytes (default: to the end).
   * @throws RangeError for an offset or size outside `buf`.
   */
  async sendBytes(buf: ArrayBufferView | ArrayBuffer, offset = 0, size?: number): Promise<void> {
    this.#check("write", "sendBytes");
    const bytes = asBytes(buf, "sendBytes");
    const n = checkRange(bytes.length, offset, size, "sendBytes");
    await this.#put(new PipeBytes(bytes.subarray(offset, offset + n)));
  }

  /**
   * Receives a message sent with `sendBytes`.
   *
   * @param maxLength - the longest message accepted.
   * @returns the bytes.
   * @throws RangeError if the message is longer than `maxLength` (the message is dropped, as in
   *   Python); EOFError at the end of the pipe.
   */
  async recvBytes(maxLength?: number): Promise<Uint8Array> {
    this.#check("read", "recvBytes");
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0)) throw new RangeError("recvBytes: maxLength must be a non-negative integer");
    const bytes = this.#bytesOf(await this.#take(), "recvBytes");
    if (maxLength !== undefined && bytes.length > maxLength) throw new RangeError(`recvBytes: the message (${bytes.length} bytes) is longer than maxLength ${maxLength}`);
    return bytes;
  }

  /**
   * Receives a message sent with `sendBytes` into `buf` at `offset`.
   *
   * @param buf - where to write.
   * @param offset - where in `buf` (default 0).
   * @returns the message's length in bytes.
   * @throws BufferTooShort (holding the message) if it does not fit; RangeError for a bad offset.
   */
  async recvBytesInto(buf: ArrayBufferView | ArrayBuffer, offset = 0): Promise<number> {
    this.#check("read", "recvBytesInto");
    const target = asBytes(buf, "recvBytesInto");
    checkRange(target.length, offset, 0, "recvBytesInto");
    const bytes = this.#bytesOf(await this.#take(), "recvBytesInto");
    if (offset + bytes.length > target.length) throw new BufferTooShort(bytes);
    target.set(bytes, offset);
    return bytes.length;
  }

  /**
   * Closes this copy of the end. When every copy of it is closed, the other end receives what was
   * sent and then {@link EOFError}. Closing twice does nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    open.delete(this);
    this.#ends.unclaim(this.#end);
    await this.#ends.release(this.#end);
  }

  get #inbox(): SimpleQueue<Envelope> {
    return this.#ends.queues[1 - this.#end]!;
  }

  #put(m: Envelope): Promise<void> {
    const put = this.#outbox.put(m);
    // A put that is done already cannot fail: no promise more for it.
    return put === DONE ? put : put.catch(sendFailure);
  }

  #take(): Promise<Envelope> {
    return this.#inbox.get().catch(receiveFailure);
  }

  #bytesOf(m: Envelope, what: string): Uint8Array {
    if (m instanceof PipeBytes) return m.bytes;
    throw new TypeError(`${what}: the message was sent with send(), not sendBytes(); receive it with recv()`);
  }

  /**
   * Reduces this end to a handle: a new copy of the end, which the receiver must close.
   *
   * @param _target - where the handle goes.
   * @returns the handle.
   */
  [reduceSymbol](_target: Target): ReducedHandle {
    if (this.#closed) throw new TypeError("cannot send a closed connection");
    void this.#ends.retain(this.#end);
    return {
      kind: "@multiproc/ipc:Connection",
      state: { ends: this.#ends, end: this.#end, readable: this.#readable, writable: this.#writable },
    };
  }
}

registerHandle("@multiproc/ipc:Connection", (state) => new Connection(state as ConnectionState, true));

/**
 * Creates a pipe and returns its two ends (Python's `multiprocessing.Pipe`). With
 * `duplex: true` (the default) both ends send and receive; with `duplex: false` the first end
 * only receives and the second only sends.
 *
 * @param options - `duplex`.
 * @returns the two ends.
 *
 * @example
 * ```ts
 * import { Pipe } from "@multiproc/ipc";
 * const [reader, writer] = Pipe({ duplex: false });
 * await writer.send("hi");
 * console.log(await reader.recv()); // "hi"
 * ```
 */
export function Pipe(options: { duplex?: boolean } = {}): [Connection, Connection] {
  const duplex = options.duplex ?? true;
  const queues = [new SimpleQueue<Envelope>(), new SimpleQueue<Envelope>()] as const;
  const ends = new PipeEnds(undefined, undefined, queues);
  return [
    new Connection({ ends, end: 0, readable: true, writable: duplex }),
    new Connection({ ends, end: 1, readable: duplex, writable: true }),
  ];
}
