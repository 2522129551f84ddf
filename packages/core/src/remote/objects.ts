/**
 * Remote objects: how an object that lives in one process (a lock's state, a queue's items, a
 * manager's dict) is used from others. The process (or thread) that creates such an object owns
 * it and serves it on its socket server; a handle sent to another OS process carries the object's
 * {@link RemoteAddress}, and calls on it travel as `call`/`reply` messages over one connection per
 * owner. This is how the `process` context gives the same API as the `thread` context, where the
 * state is shared memory instead (see DESIGN.md, decision 2).
 *
 * An owner learns when a peer's connection closes (the peer exited or was killed) and tells the
 * objects that peer used, so that, for instance, a lock held by a dead process is not held forever.
 *
 * @internal
 * @module
 */
import { decode, encode } from "../codec/index.ts";
import { adapter } from "../runtime/index.ts";
import { StreamChannel } from "../process/channel.ts";
import { self } from "../process/state.ts";
import { helloFrame, localServer, localServerPath, onPeerConnection, type PeerHello } from "./server.ts";

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

onPeerConnection((channel, hello) => {
  const peer: Peer = { ...hello, id: nextPeerId++ };
  const used = new Set<number>();
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
  channel.onClose(() => {
    for (const id of used) objects.get(id)?.peerGone?.(peer);
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

/** One connection to an owner, shared by every call to that owner's objects. */
class Connection {
  readonly #path: string;
  readonly #channel = new StreamChannel();
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; deliver: boolean }>();
  readonly #idle: Array<() => void> = [];
  #delivering = 0;
  #nextRid = 1;
  #gone: Error | undefined;

  constructor(path: string) {
    this.#path = path;
    this.#channel.unref();
    this.#channel.on("reply", (data) => this.#reply(data as ReplyMessage));
    this.#channel.onClose(() => this.#fail(new OwnerGoneError(`the process that owns this object has exited (socket ${path})`)));
    adapter.connect(path, 2_000).then(
      (stream) => {
        stream.write(helloFrame({ peer: { name: self.name, pid: adapter.pid, threadId: adapter.threadId } }));
        this.#channel.attach(stream);
      },
      (error: unknown) =>
        this.#fail(new OwnerGoneError(`cannot reach the process that owns this object (socket ${path}): ${(error as Error).message}`)),
    );
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

  #fail(error: Error): void {
    if (this.#gone !== undefined) return;
    this.#gone = error;
    connections.delete(this.#path);
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
    this.#delivering = 0;
    this.#settleIdle();
  }

  #settleIdle(): void {
    if (this.#pending.size === 0) this.#channel.unref();
    if (this.#delivering === 0) for (const cb of this.#idle.splice(0)) cb();
  }

  call(id: number, method: string, args: unknown[], argsPath: string, deliver: boolean): Promise<unknown> {
    if (this.#gone !== undefined) return Promise.reject(this.#gone);
    const rid = this.#nextRid++;
    // Encoding happens here, synchronously: bad arguments throw before anything is sent.
    this.#channel.send("call", { rid, id, method, args }, argsPath);
    // A call in flight keeps the program alive until it is answered.
    if (this.#pending.size === 0) this.#channel.ref();
    if (deliver) this.#delivering++;
    return new Promise((resolve, reject) => this.#pending.set(rid, { resolve, reject, deliver }));
  }

  /** Settles when no delivering call is in flight. */
  delivered(): Promise<void> {
    if (this.#delivering === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}

const connections = new Map<string, Connection>();

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

/** Waits until every delivering call this thread made has been answered (before a child exits). */
export async function drainCalls(): Promise<void> {
  await Promise.all([...connections.values()].map((conn) => conn.delivered()));
}
