/**
 * Remote objects: how an object that lives in one process (a lock's state, a queue's items, a
 * manager's dict) is used from others. The process (or thread) that creates such an object owns
 * it and serves it on its socket server; a handle sent to another OS process carries the object's
 * {@link RemoteAddress}, and calls on it travel as `call`/`reply` messages over one connection per
 * owner. This is how the `process` context gives the same API as the `thread` context, where the
 * state is shared memory instead (see DESIGN.md, decision 2).
 *
 * Calls that hand something over and need no answer (a `put` on an unbounded queue) can be
 * *posted* instead ({@link postRemote}): they resolve once queued, travel many to a frame, and
 * the owner acknowledges them in bulk. A posted call that fails at the owner (the queue was
 * closed meanwhile) fails the caller's first call on that object made after the owner's refusal
 * has arrived, or is printed when the caller exits (with exit code 1 in a child). A caller does
 * not exit before its posts are acknowledged.
 *
 * An owner learns when a peer's connection closes (the peer exited or was killed) and tells the
 * objects that peer used, so that, for instance, a lock held by a dead process is not held forever.
 *
 * @internal
 * @module
 */
import { decode, encode } from "../codec/index.ts";
import { readU32, writeU32 } from "../codec/bytes.ts";
import { adapter } from "../runtime/index.ts";
import { StreamChannel } from "../process/channel.ts";
import { self } from "../process/state.ts";
import { helloFrame, localServer, localServerPath, onPeerConnection, type PeerHello } from "./server.ts";
import { splitStream } from "./split-stream.ts";

/** Where a served object lives: its owner's socket path and its id there. */
export interface RemoteAddress {
  /** The owner's socket path. */
  readonly path: string;
  /** The object's id at its owner. */
  readonly id: number;
}

/** A process or thread that calls objects of this one. */
export interface Peer extends PeerHello {
  /** A number unique among this owner's peers; the owner's own calls use 0. */
  readonly id: number;
}

/** An object served to other processes. */
export interface ServedObject {
  /** Runs a method for `peer`; may be async (an `acquire` that waits, say). */
  call(method: string, args: unknown[], peer: Peer): unknown;
  /** Told when a peer that called this object has gone (its process exited or was killed). */
  peerGone?(peer: Peer): void;
}

/**
 * The owner of a remote object is gone (it exited or was killed), so the call cannot be made.
 *
 * @example
 * ```ts
 * try {
 *   await lock.acquire();
 * } catch (err) {
 *   if (err instanceof OwnerGoneError) console.error("the process that created the lock has exited");
 * }
 * ```
 */
export class OwnerGoneError extends Error {
  /** @param message - what was lost. */
  constructor(message: string) {
    super(message);
    this.name = "OwnerGoneError";
  }
}

const objects = new Map<number, ServedObject>();
let nextObjectId = 1;
let nextPeerId = 1;

/** This thread as a peer of its own objects. */
export function selfPeer(): Peer {
  return { id: 0, name: self.name, pid: adapter.pid, threadId: adapter.threadId };
}

/** Whether `peer` is this thread itself (see {@link selfPeer}), not a remote caller. */
export function isSelfPeer(peer: Peer): boolean {
  return peer.id === 0;
}

interface CallMessage {
  rid: number;
  id: number;
  method: string;
  args: unknown[];
}

interface ReplyMessage {
  rid: number;
  ok: boolean;
  value?: unknown;
  error?: unknown;
}

interface PostErrorMessage {
  id: number;
  method: string;
  error: unknown;
}

/** One posted call: the object, the method, and its one argument, already encoded. */
interface Post {
  readonly id: number;
  readonly method: string;
  readonly bytes: Uint8Array;
}

const methodNames = new Map<string, Uint8Array>();
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

function methodBytes(method: string): Uint8Array {
  let bytes = methodNames.get(method);
  if (bytes === undefined) {
    bytes = textEncoder.encode(method);
    if (bytes.length > 255) throw new RangeError(`method name too long: ${method}`);
    methodNames.set(method, bytes);
  }
  return bytes;
}

/** The size of a post in a `posts` frame: object id, method, argument length, argument. */
function postSize(method: Uint8Array, bytes: Uint8Array): number {
  return 4 + 1 + method.length + 4 + bytes.length;
}

/** The last method name read, and its bytes: a frame's posts usually share one. */
let lastMethod = "";
let lastMethodBytes = new Uint8Array(0);

function methodAt(body: Uint8Array, at: number, length: number): string {
  const cached = lastMethodBytes;
  if (cached.length === length) {
    let same = true;
    for (let i = 0; i < length && same; i++) same = cached[i] === body[at + i];
    if (same) return lastMethod;
  }
  lastMethodBytes = body.slice(at, at + length);
  lastMethod = textDecoder.decode(lastMethodBytes);
  return lastMethod;
}

/** Reads the posts of a `posts` frame. */
function readPosts(body: Uint8Array): Post[] {
  const posts: Post[] = [];
  for (let at = 0; at < body.length; ) {
    const id = readU32(body, at);
    const methodLength = body[at + 4]!;
    const method = methodAt(body, at + 5, methodLength);
    at += 5 + methodLength;
    const length = readU32(body, at);
    posts.push({ id, method, bytes: body.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return posts;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** Per OS process, its connections here still open and its posts not yet applied (see `peerFinished`). */
const fromProcess = new Map<number, { open: number; posts: number; waiters: Array<() => void> }>();

function fromProcessChanged(pid: number): void {
  const entry = fromProcess.get(pid);
  if (entry === undefined || entry.open > 0 || entry.posts > 0) return;
  fromProcess.delete(pid);
  for (const resolve of entry.waiters) resolve();
}

/**
 * Settles once no connection from the OS process `pid` is open here and everything it posted
 * has been applied: what a process that has died handed over to objects of this thread has then
 * all arrived (its socket is read to the end before it counts as closed). At once if none is open.
 *
 * @param pid - the other process's pid.
 *
 * @example
 * ```ts
 * await child.sentinel;
 * await peerFinished(child.pid); // every item it put on this thread's queues is in them now
 * ```
 */
export function peerFinished(pid: number): Promise<void> {
  const entry = fromProcess.get(pid);
  if (entry === undefined) return Promise.resolve();
  return new Promise((resolve) => entry.waiters.push(resolve));
}

onPeerConnection((channel, hello) => {
  const peer: Peer = { ...hello, id: nextPeerId++ };
  const used = new Set<number>();
  let counts = fromProcess.get(peer.pid);
  if (counts === undefined) fromProcess.set(peer.pid, (counts = { open: 0, posts: 0, waiters: [] }));
  counts.open++;
  const tally = counts;
  // Posted calls settled since the last acknowledgement: acknowledged together, ACK_DELAY_MS
  // after the first, or at once when many are (see ACK_DELAY_MS).
  let acked = 0;
  let ackedBytes = 0;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;
  const sendAck = (): void => {
    clearTimeout(ackTimer);
    ackTimer = undefined;
    if (acked === 0) return;
    channel.send("ack", [acked, ackedBytes]);
    acked = 0;
    ackedBytes = 0;
  };
  const settled = (post: Post): void => {
    tally.posts--;
    fromProcessChanged(peer.pid);
    if (acked === 0) ackTimer = setTimeout(sendAck, ACK_DELAY_MS);
    acked++;
    ackedBytes += post.bytes.length;
    if (acked === ACK_NOW || (ackedBytes >= ACK_NOW_BYTES && ackedBytes - post.bytes.length < ACK_NOW_BYTES)) queueMicrotask(sendAck);
  };
  const failed = (post: Post, error: unknown): void => {
    channel.send("postError", { id: post.id, method: post.method, error } satisfies PostErrorMessage);
    settled(post);
  };
  channel.onRaw("posts", (body) => {
    const posts = readPosts(body);
    tally.posts += posts.length;
    // Started in order with calls (each starts in a microtask of its own, in arrival order).
    void Promise.resolve().then(() => {
      for (const post of posts) {
        const obj = objects.get(post.id);
        if (obj === undefined) {
          failed(post, new OwnerGoneError(`object ${post.id} is no longer served by ${self.name}`));
          continue;
        }
        used.add(post.id);
        let outcome: unknown;
        try {
          outcome = obj.call(post.method, [post.bytes], peer);
        } catch (error) {
          failed(post, error);
          continue;
        }
        if (isPromiseLike(outcome)) outcome.then(() => settled(post), (error: unknown) => failed(post, error));
        else settled(post);
      }
    });
  });
  channel.on("call", (data) => {
    const m = data as CallMessage;
    const obj = objects.get(m.id);
    if (obj === undefined) {
      channel.send("reply", { rid: m.rid, ok: false, error: new OwnerGoneError(`object ${m.id} is no longer served by ${self.name}`) });
      return;
    }
    used.add(m.id);
    Promise.resolve()
      .then(() => obj.call(m.method, m.args, peer))
      .then(
        (value) => channel.send("reply", { rid: m.rid, ok: true, value }, "result"),
        (error: unknown) => channel.send("reply", { rid: m.rid, ok: false, error }),
      )
      .catch((error: unknown) => channel.send("reply", { rid: m.rid, ok: false, error: new Error(String(error)) }));
  });
  channel.on("sync", sendAck);
  channel.onClose(() => {
    clearTimeout(ackTimer);
    for (const id of used) objects.get(id)?.peerGone?.(peer);
    tally.open--;
    fromProcessChanged(peer.pid);
  });
});

/**
 * Serves `obj` on this thread's socket server and returns its address.
 */
export function serve(obj: ServedObject): RemoteAddress {
  const id = nextObjectId++;
  objects.set(id, obj);
  return { path: localServer().path, id };
}

/** The local object behind `address`, if this thread owns it. */
export function localObject(address: RemoteAddress): ServedObject | undefined {
  return address.path === localServerPath() ? objects.get(address.id) : undefined;
}

/** Posts are sent in one frame once this many bytes are waiting, or on the next turn of the event loop. */
const POST_FLUSH_BYTES = 64 * 1024;
/** A poster waits once this many of its posts, or this many bytes, are not yet acknowledged. */
const POST_WINDOW = 4096;
const POST_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * How long an owner may wait before it acknowledges settled posts, in ms. Acknowledging every
 * frame of posts as it came cost the owner a socket write, and woke the poster, for each frame:
 * one per job from a pool worker, which sends its answer before its next job. A poster that
 * needs its acknowledgements sooner (it is about to exit, or its window is filling) asks with a
 * `sync` frame, and an owner acknowledges at once when {@link ACK_NOW} posts or
 * {@link ACK_NOW_BYTES} bytes are waiting for it.
 */
const ACK_DELAY_MS = 2;
/** See {@link ACK_DELAY_MS}: an eighth of the window. */
const ACK_NOW = POST_WINDOW / 8;
const ACK_NOW_BYTES = POST_WINDOW_BYTES / 8;

/** Errors of posted calls that no later call has reported yet. */
const unclaimed = new Set<Error>();

/** One connection to an owner, shared by every call to that owner's objects. */
class Connection {
  readonly #path: string;
  readonly #channel = new StreamChannel();
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; deliver: boolean }>();
  readonly #idle: Array<() => void> = [];
  #delivering = 0;
  #nextRid = 1;
  #gone: Error | undefined;
  /** Whether the socket is connected (posts are held until it is). */
  #connected = false;
  /** Posts not yet sent. */
  #posts: Array<{ id: number; method: Uint8Array; bytes: Uint8Array }> = [];
  #postBytes = 0;
  #flushScheduled = false;
  /** Posts sent and not yet acknowledged. */
  #unacked = 0;
  #unackedBytes = 0;
  /** Posters waiting for the window to open. */
  #windowWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  /** The first failed post per object, until a call on that object reports it. */
  readonly #postErrors = new Map<number, Error>();

  constructor(path: string) {
    this.#path = path;
    this.#channel.unref();
    this.#channel.on("reply", (data) => this.#reply(data as ReplyMessage));
    this.#channel.on("ack", (data) => this.#ack(data as [number, number]));
    this.#channel.on("postError", (data) => this.#postError(data as PostErrorMessage));
    this.#channel.onClose(() => this.#fail(new OwnerGoneError(`the process that owns this object has exited (socket ${path})`)));
    // Two sockets, one each way (see `split-stream.ts`): what this side sent before it dies
    // reaches the owner even if the owner writes to this side after that.
    Promise.allSettled([adapter.connect(path, 2_000), adapter.connect(path, 2_000)]).then(([up, down]) => {
      if (up.status === "rejected" || down.status === "rejected") {
        if (up.status === "fulfilled") up.value.destroy();
        if (down.status === "fulfilled") down.value.destroy();
        const error = (up.status === "rejected" ? up.reason : (down as PromiseRejectedResult).reason) as Error;
        this.#fail(new OwnerGoneError(`cannot reach the process that owns this object (socket ${path}): ${error.message}`));
        return;
      }
      const key = connectionKey();
      up.value.write(helloFrame({ peer: { name: self.name, pid: adapter.pid, threadId: adapter.threadId }, up: key }));
      down.value.write(helloFrame({ down: key }));
      this.#channel.attach(splitStream(down.value, up.value));
      this.#connected = true;
      this.#flush();
      this.#openWindow();
    });
  }

  #reply(m: ReplyMessage): void {
    const waiter = this.#pending.get(m.rid);
    if (waiter === undefined) return;
    this.#pending.delete(m.rid);
    if (waiter.deliver) this.#delivering--;
    this.#settleIdle();
    if (m.ok) waiter.resolve(m.value);
    else waiter.reject(m.error);
  }

  #ack([count, bytes]: [number, number]): void {
    this.#unacked -= count;
    this.#unackedBytes -= bytes;
    this.#delivering -= count;
    if (this.#unacked <= POST_WINDOW / 2 && this.#unackedBytes <= POST_WINDOW_BYTES / 2) this.#openWindow();
    this.#settleIdle();
  }

  #openWindow(): void {
    for (const waiter of this.#windowWaiters.splice(0)) waiter.resolve();
  }

  #postError(m: PostErrorMessage): void {
    const error = m.error instanceof Error ? m.error : new Error(String(m.error));
    error.message = `an earlier ${m.method}() failed at the owner (it was sent without waiting for its answer): ${error.message}`;
    if (!this.#postErrors.has(m.id)) {
      this.#postErrors.set(m.id, error);
      unclaimed.add(error);
    }
  }

  /** The error of an earlier post on object `id`, now reported (once). */
  #claimPostError(id: number): Error | undefined {
    const error = this.#postErrors.get(id);
    if (error === undefined) return undefined;
    this.#postErrors.delete(id);
    unclaimed.delete(error);
    return error;
  }

  #fail(error: Error): void {
    if (this.#gone !== undefined) return;
    this.#gone = error;
    connections.delete(this.#path);
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
    for (const waiter of this.#windowWaiters.splice(0)) waiter.reject(error);
    this.#posts = [];
    this.#unacked = 0;
    this.#unackedBytes = 0;
    this.#delivering = 0;
    this.#settleIdle();
  }

  #settleIdle(): void {
    if (this.#pending.size === 0 && this.#unacked === 0 && this.#posts.length === 0) this.#channel.unref();
    if (this.#delivering === 0) for (const cb of this.#idle.splice(0)) cb();
  }

  /** Keeps the program alive while something is in flight. */
  #hold(): void {
    if (this.#pending.size === 0 && this.#unacked === 0 && this.#posts.length === 0) this.#channel.ref();
  }

  call(id: number, method: string, args: unknown[], argsPath: string, deliver: boolean): Promise<unknown> {
    if (this.#gone !== undefined) return Promise.reject(this.#gone);
    const earlier = this.#claimPostError(id);
    if (earlier !== undefined) return Promise.reject(earlier);
    const rid = this.#nextRid++;
    // Posts go first: the owner sees calls in the order they were made.
    this.#flush();
    // Encoding happens here, synchronously: bad arguments throw before anything is sent.
    this.#channel.send("call", { rid, id, method, args }, argsPath);
    // A call in flight keeps the program alive until it is answered.
    this.#hold();
    if (deliver) this.#delivering++;
    return new Promise((resolve, reject) => this.#pending.set(rid, { resolve, reject, deliver }));
  }

  post(id: number, method: string, bytes: Uint8Array): Promise<void> {
    if (this.#gone !== undefined) return Promise.reject(this.#gone);
    const earlier = this.#claimPostError(id);
    if (earlier !== undefined) return Promise.reject(earlier);
    const name = methodBytes(method);
    this.#hold();
    this.#posts.push({ id, method: name, bytes });
    this.#postBytes += postSize(name, bytes);
    this.#unacked++;
    this.#unackedBytes += bytes.length;
    this.#delivering++;
    if (this.#postBytes >= POST_FLUSH_BYTES) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
    // Until the socket is connected, a post waits: what a program that exits at once (see
    // `adapter.onExit` below) has not handed to its socket is lost.
    if (this.#connected && this.#unacked <= POST_WINDOW && this.#unackedBytes <= POST_WINDOW_BYTES) return Promise.resolve();
    this.#flush();
    this.#askForAcks();
    return new Promise((resolve, reject) => this.#windowWaiters.push({ resolve, reject }));
  }

  /** Sends the waiting posts in one frame. */
  flush(): void {
    this.#flush();
  }

  /** Sends the waiting posts, and settles once they have been handed to the operating system. */
  written(): Promise<void> {
    this.#flush();
    return this.#channel.written();
  }

  #flush(): void {
    this.#flushScheduled = false;
    const posts = this.#posts;
    if (posts.length === 0) return;
    this.#posts = [];
    const size = this.#postBytes;
    this.#postBytes = 0;
    this.#channel.sendRaw("posts", size, (out, start) => {
      let at = start;
      for (const { id, method, bytes } of posts) {
        writeU32(out, at, id);
        out[at + 4] = method.length;
        out.set(method, at + 5);
        at += 5 + method.length;
        writeU32(out, at, bytes.length);
        out.set(bytes, at + 4);
        at += 4 + bytes.length;
      }
    });
  }

  /** Whether a delivering call or a post is in flight (or not sent yet). */
  get inFlight(): boolean {
    return this.#delivering > 0;
  }

  /** Settles when no delivering call or post is in flight. */
  delivered(): Promise<void> {
    this.#flush();
    if (this.#delivering === 0) return Promise.resolve();
    this.#askForAcks();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Asks the owner to acknowledge the posts it has settled now, not later (see `ACK_DELAY_MS`). */
  #askForAcks(): void {
    if (this.#unacked > 0) this.#channel.send("sync", null);
  }
}

const connections = new Map<string, Connection>();

let connectionCount = 0;
/** A key that pairs a connection's two sockets at the owner: unique among this thread's. */
function connectionKey(): string {
  return `${adapter.pid}.${adapter.threadId}.${++connectionCount}.${Math.random().toString(36).slice(2, 10)}`;
}

function connection(path: string): Connection {
  let conn = connections.get(path);
  if (conn === undefined) {
    conn = new Connection(path);
    connections.set(path, conn);
  }
  return conn;
}

/** How a remote call is made. */
export interface CallOptions {
  /** The name of the arguments in error messages (`args`, `item`…). */
  readonly path?: string;
  /**
   * True for calls that hand something over (a queue item, a lock release): a child waits for
   * them to be answered before it exits, so that nothing it sent is lost. Calls that wait for
   * something (an acquire, a get) are not waited for.
   */
  readonly deliver?: boolean;
}

/**
 * Calls `method` on the object at `address`: directly when this thread owns it, else over the
 * owner's socket. The arguments are copied before this returns (an unserialisable one throws
 * `SerializationError` naming the `path` option).
 */
export function callRemote(address: RemoteAddress, method: string, args: unknown[], options: CallOptions = {}): Promise<unknown> {
  const argsPath = options.path ?? "args";
  const local = localObject(address);
  if (local !== undefined) {
    // The same copy semantics as a remote call: arguments and result are copied.
    const copied = decode(encode(args, { target: "thread", path: argsPath })) as unknown[];
    return Promise.resolve()
      .then(() => local.call(method, copied, selfPeer()))
      .then((value) => decode(encode(value, { target: "thread", path: "result" })));
  }
  return connection(address.path).call(address.id, method, args, argsPath, options.deliver === true);
}

/**
 * Posts `method(bytes)` to the object at `address`, owned by another thread or process: the
 * promise resolves once the call is queued (or, when too many posts are unacknowledged, once
 * the owner has caught up), not when it is done. `bytes` must not change afterwards. A failure
 * at the owner fails the first call or post on the same object made after the refusal has
 * arrived; see the module's description.
 */
export function postRemote(address: RemoteAddress, method: string, bytes: Uint8Array): Promise<void> {
  return connection(address.path).post(address.id, method, bytes);
}

/**
 * Sends the posts this thread has made so far (see {@link postRemote}), to every owner, and
 * settles once they have been handed to the operating system: the owners then receive them even
 * if this thread or process dies next. Posts otherwise go out together a little later (or before
 * the next call to the same owner).
 *
 * @example
 * ```ts
 * await postRemote(address, "put", bytes);
 * await allPostsWritten(); // the owner gets the item even if this process is killed now
 * ```
 */
export function allPostsWritten(): Promise<void> {
  if (connections.size === 0) return Promise.resolve();
  const writes: Array<Promise<void>> = [];
  for (const conn of connections.values()) writes.push(conn.written());
  return Promise.all(writes).then(() => undefined);
}

/**
 * Delivering calls that this thread performs itself, on memory it shares, and that wait (a put
 * waiting for room, or for a mutex another thread holds): the item is nowhere else until they
 * finish, so a child waits for them before it exits, as it waits for remote ones.
 */
const localDeliveries = new Set<Promise<void>>();

/**
 * Counts `call`, a delivering call performed in this thread (see {@link CallOptions.deliver}),
 * among those a child waits for before it exits.
 *
 * @example
 * ```ts
 * const outcome = queue.perform("put", [bytes], holder, peer); // waits for room
 * if (outcome instanceof Promise) trackLocalDelivery(outcome);
 * ```
 */
export function trackLocalDelivery(call: Promise<unknown>): void {
  const settled: Promise<void> = call.then(
    () => void localDeliveries.delete(settled),
    () => void localDeliveries.delete(settled),
  );
  localDeliveries.add(settled);
}

/** Whether some delivering call or post of this thread has not been answered yet. */
export function callsInFlight(): boolean {
  if (localDeliveries.size > 0) return true;
  for (const conn of connections.values()) if (conn.inFlight) return true;
  return false;
}

/**
 * Waits until every delivering call and every post this thread made has been answered (before a
 * child exits).
 *
 * @returns the errors of posted calls that no later call reported: the caller prints them.
 */
export async function drainCalls(): Promise<Error[]> {
  while (localDeliveries.size > 0) await Promise.all(localDeliveries);
  await Promise.all([...connections.values()].map((conn) => conn.delivered()));
  const errors = [...unclaimed];
  unclaimed.clear();
  return errors;
}

// A program that exits at once (`process.exit()`) sends the posts it has not sent yet: on Node
// the socket write is tried on the spot; on Deno and Bun, it may not complete. A program (not a
// child) that ends with unreported failed posts prints them.
adapter.onExit(() => {
  for (const conn of connections.values()) conn.flush();
  for (const error of unclaimed) adapter.writeStderr(`multiproc: ${error.stack ?? error.message}\n`);
});
