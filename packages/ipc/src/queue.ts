/**
 * `Queue`, `SimpleQueue` and `JoinableQueue`: Python's `multiprocessing` queues, for both contexts.
 *
 * Items are encoded when they are put (so a later change to the object does not reach the
 * receiver) and decoded when they are taken. The items live in the process that created the queue:
 * its worker threads reach them through shared memory, other OS processes through that process's
 * socket. Unlike CPython, a child may exit right after `put()` — even without awaiting it — and
 * nothing it put is lost: a child does not exit before its puts have reached the queue (so a put
 * still waiting for room in a full queue keeps its child alive until a consumer takes an item).
 *
 * Items move in bulk, as CPython's feeder thread and pipe move them: another OS process's `put`s
 * on an unbounded `Queue` or `SimpleQueue` are posted (they resolve once queued and travel many
 * to a frame), and a consumer that keeps up — in another OS process, or in a thread while other
 * threads put — receives items ahead, up to {@link MAX_AHEAD} at a time. Items received ahead and
 * not taken go back to the front of the queue after {@link AHEAD_IDLE_MS}–2 × {@link AHEAD_IDLE_MS}
 * ms without a `get`, and when the consumer exits.
 *
 * @module
 */
import { decodeFromBytes, type Target } from "@multiproc/core";
import {
  adapter,
  allocateScratch,
  currentProcessState,
  deadline,
  DONE,
  decodeFromParts,
  encodeToPooledBytes,
  encodeToScratchBytes,
  fromState,
  keepScratch,
  localObject,
  now,
  preloadInChildren,
  isSelfPeer,
  remaining,
  registerPrimitive,
  SharedPrimitive,
  waitChange,
  watchThreadExits,
  type HolderWatcher,
  type MessageParts,
  type Peer,
  type PrimitiveState,
  repackMessage,
} from "@multiproc/core/internal";
import { Empty, Full, QueueClosedError } from "./errors.ts";
import { ALL_DONE, checkItemSize, LARGE_ITEM, MAX_BYTES, NOT_EMPTY, NOT_FULL, type Outcome, QueueBuffer, RECORD_HEADER, recordBytes, type TakenItem, UNFINISHED, waitersOf } from "./queue-buffer.ts";

/**
 * A large item's bytes at an offset that is a multiple of 8 in their memory, copied into this
 * thread's scratch buffer when they are not (an item from another process is a part of the frame
 * it came in): V8 copies them into the queue's shared memory word by word only then, byte by byte
 * otherwise (a megabyte on Node 24: ~0.2 against ~1.3 ms, under the queue's mutex); the copy here
 * costs ~0.05 ms. (The records start at multiples of 8, and so do their items.)
 */
function alignedItem(bytes: Uint8Array): Uint8Array {
  if ((bytes.byteOffset & 7) === 0 || bytes.length <= LARGE_ITEM) return bytes;
  const aligned = allocateScratch(bytes.length);
  aligned.set(bytes);
  return aligned;
}

/** Decodes an item as a get took it (see `TakenItem`). */
function decodeTaken(item: TakenItem): unknown {
  return item instanceof Uint8Array ? decodeFromBytes(item) : decodeFromParts(item);
}

/** How `put` and `get` wait: as in Python, `block` (default true) and `timeout` in milliseconds. */
export interface QueueWaitOptions {
  /** Wait for room or an item (the default), or fail at once with `Full` / `Empty`. */
  block?: boolean;
  /** The longest wait in milliseconds; a negative timeout acts as 0. */
  timeout?: number;
}

/** Options of a new queue. */
export interface QueueOptions {
  /** The most items the queue holds; `put` waits while it is full. 0 or less: no limit (the default). */
  maxsize?: number;
}

class Cancelled extends Error {}

interface QueueExtra {
  readonly data?: SharedArrayBuffer;
  /** Set on a queue made here (not received): it is shared with threads only once sent to one. */
  readonly fresh?: true;
  /** Whether the queue has no maxsize (a remote put then never waits, so it can be posted). */
  readonly unbounded?: boolean;
  /** Set by {@link takeOneAtATime}. */
  readonly oneAtATime?: true;
  /** Set by {@link takeAllAhead}. */
  readonly allAhead?: true;
}

/** Queues whose gets never receive items ahead. */
const oneAtATime = new WeakSet<object>();
/** Queues whose gets in another process receive all they can ahead (see {@link takeAllAhead}). */
const allAhead = new WeakSet<object>();

/**
 * Makes gets of `queue` take one item at a time, never ahead: for a
 * queue whose owner must know which items its one consumer has taken (a pool worker's jobs,
 * which the pool gives to another worker when this one dies). Call it before the queue is sent.
 *
 * @internal
 */
export function takeOneAtATime<Q extends object>(queue: Q): Q {
  oneAtATime.add(queue);
  return queue;
}

/**
 * Makes gets of `queue` in another process receive about {@link AHEAD_WORK_MS} of work at once
 * (up to {@link MAX_AHEAD} items), and ask for the next ones while they take these: for a queue
 * whose items no other consumer would take sooner (a pool worker's jobs). Without it, a consumer
 * that spends more than {@link KEEP_UP_MS} on a batch asks for one item at a time, and each item
 * costs a round trip to the owner. Call it before the queue is sent.
 *
 * @internal
 */
export function takeAllAhead<Q extends object>(queue: Q): Q {
  allAhead.add(queue);
  return queue;
}

/** Called at the owner when a consumer gives items back (see {@link onGivenBack}). */
const givenBack = new WeakMap<object, () => void>();

/**
 * Calls `cb` in the thread that made `queue` each time a consumer there or elsewhere gives back
 * items it received ahead and did not take within {@link AHEAD_IDLE_MS}: they are in the queue
 * again, for whoever gets first. A pool moves such jobs from a busy worker to an idle one.
 *
 * @internal
 */
export function onGivenBack(queue: object, cb: () => void): void {
  givenBack.set(queue, cb);
}

/** Sets whether gets of a queue spin before they park (see `setSpinBeforePark`). */
let setSpins: (queue: QueueBase<unknown>, on: boolean) => void;

/**
 * Says whether a get that finds `queue` empty may spin briefly before it parks, for every thread
 * that uses its memory (the runtime's `spinBeforeParkMs`; on by default). A pool turns it off
 * while it has more work in flight than it can wait for with a core to spare: a thread spinning
 * there takes the core of the thread that would put.
 *
 * @example
 * ```ts
 * const jobs = new Queue<number>();
 * setSpinBeforePark(jobs, false); // gets of `jobs` park at once, in every thread
 * ```
 *
 * @internal
 */
export function setSpinBeforePark(queue: QueueBase<unknown>, on: boolean): void {
  setSpins(queue, on);
}

/**
 * The most items a consumer receives ahead of its `get`s (in another OS process, or in a thread
 * while other threads may put; a queue used by one thread alone is not batched). It asks for
 * more (doubling from 1) only while it keeps up: when it comes back for more within
 * {@link KEEP_UP_MS} of the last batch, and that batch was full. A slow consumer — a worker
 * doing real work per item — takes one item at a time and leaves the rest to others.
 */
const MAX_AHEAD = 64;
/** See {@link MAX_AHEAD}. */
const KEEP_UP_MS = 1;
/**
 * Items received ahead and not taken go back to the queue once a check finds no get and no new
 * batch since the last check; the checks come this many ms apart (see `#startReturning`).
 */
const AHEAD_IDLE_MS = 5;
/**
 * A queue that takes all ahead (see {@link takeAllAhead}) asks for about this many ms of work,
 * judged by how long its consumer took per item so far: many short jobs at once, but one long
 * job at a time, which leaves the next ones at the owner for an idle consumer.
 */
const AHEAD_WORK_MS = 2;
/** How long a paced put waits for a consumer to take an item before it lets the buffer grow. */
const PACE_MS = 20;

/**
 * Gives back, at exit, what the queues of this thread received ahead: a queue is here while it
 * holds items received ahead or has a batch on its way (its reply would otherwise die with this
 * process — calls that only read are not waited for at exit).
 */
const aheadHolders = new Set<() => Promise<void>>();
currentProcessState.beforeExitHooks.add(async () => {
  await Promise.all([...aheadHolders].map((giveBack) => giveBack()));
});

/** The default of `put` and `get`: wait as long as it takes. One object, not one per call. */
const WAIT: QueueWaitOptions = Object.freeze({});

function untilOf(options: QueueWaitOptions): number {
  if (options === null || typeof options !== "object") throw new TypeError("options must be an object such as { timeout: 100 }");
  return options.block === false ? 0 : deadline(options.timeout);
}

/** What every queue shares. */
abstract class QueueBase<T> extends SharedPrimitive implements HolderWatcher {
  readonly #buffer: QueueBuffer | undefined;

  static {
    setSpins = (queue, on) => {
      if (queue.#buffer !== undefined && queue.#buffer.spins !== on) queue.#buffer.spins = on;
    };
  }
  /** Waits of remote peers, cancelled when the peer goes. */
  readonly #waits = new Map<number, Set<{ cancelled: boolean }>>();
  /**
   * Per peer, the last of its puts that is waiting for room: a later put of that peer waits
   * behind it, so that its items keep their order (a small item may fit where a large one
   * waits, and a remote peer's posted puts arrive without waiting for each other).
   */
  readonly #waitingPuts = new Map<number, Promise<void>>();
  /**
   * Whether another thread of this process may use the buffer (it was sent to a worker thread,
   * or this is a worker thread's copy): only then can spinning before parking see an item come.
   */
  #threadShared = false;
  /** Whether `close()` was called through this handle (a posted put then fails at once). */
  #closedHere = false;
  /** Whether the queue is unbounded (known here too when its memory is elsewhere). */
  readonly #unbounded: boolean;
  /** Items a get received ahead, oldest first (see {@link MAX_AHEAD}). */
  #ahead: TakenItem[] = [];
  #aheadHead = 0;
  /** How many items the next remote get asks for. */
  #want = 1;
  /** When the last batch arrived, and whether it was as big as asked. */
  #batchAt = -Infinity;
  #batchFull = false;
  /**
   * For a queue that takes all ahead: fetch the next batch once this few items are left ahead
   * (half of what there was when the last one came); −1: not before they are all taken (the last
   * fetch found nothing).
   */
  #refetchAt = -1;
  /** Items taken from `#ahead` so far (the give-back timer looks for progress). */
  #takes = 0;
  /** `#takes` when the last batch arrived. */
  #takesAtBatch = 0;
  /** Batches received so far (the give-back timer looks for progress). */
  #batches = 0;
  #returnTimer: ReturnType<typeof setTimeout> | undefined;
  /** Batched gets of this handle under way. */
  #batchedGets = 0;
  /** A fetch of the next batch while this one is being taken, if one is under way. */
  #prefetch: Promise<void> | undefined;
  readonly #giveBack = (): Promise<void> => this.#returnAhead();

  protected constructor(state: PrimitiveState) {
    super(state);
    const extra = state.extra as QueueExtra | undefined;
    this.#unbounded = extra?.unbounded === true;
    if (extra?.oneAtATime === true) oneAtATime.add(this);
    if (extra?.allAhead === true) allAhead.add(this);
    if (this.sharedBuffer !== undefined) {
      // A handle that came back to the owner carries no memory: take the original's.
      const original = state.address === undefined ? undefined : (localObject(state.address) as { primitive?: QueueBase<unknown> } | undefined)?.primitive;
      const data = extra?.data ?? (original === undefined ? undefined : original.#buffer?.data);
      this.#buffer = new QueueBuffer(this.sharedBuffer, data);
      this.#unbounded = this.#buffer.maxsize <= 0;
      this.#threadShared = extra?.data !== undefined && extra.fresh !== true;
      watchThreadExits(this);
    }
  }

  /** A worker thread ended: if it was killed inside the buffer's critical section, free the mutex. @internal */
  holderGone(holder: number): void {
    this.#buffer?.threadGone(holder);
  }

  /** Whether `put` counts unfinished tasks (JoinableQueue). */
  protected get joinable(): boolean {
    return false;
  }

  protected override extraState(target: Target): QueueExtra {
    const flags: QueueExtra = {
      unbounded: this.#unbounded,
      ...(oneAtATime.has(this) ? { oneAtATime: true } : {}),
      ...(allAhead.has(this) ? { allAhead: true } : {}),
    };
    if (target !== "thread" || this.#buffer === undefined) return flags;
    this.#threadShared = true;
    return { ...flags, data: this.#buffer.data };
  }

  /**
   * Puts an item, waiting for room in a bounded queue. The item is encoded now: later changes to
   * it do not reach the receiver.
   *
   * From another OS process, a put on an unbounded `Queue` or `SimpleQueue` is posted, as in
   * CPython (whose `put` hands the item to a feeder thread): it resolves once the item is on its
   * way, and items travel many to a message. After `close()` in this process, it fails at once;
   * if the queue turns out to be closed elsewhere when the item arrives, the first call on this
   * queue made after that news has come back fails with the
   * {@link QueueClosedError}, and if there is none, the process prints it at exit and, if it
   * is a child, exits with code 1. A `JoinableQueue`'s and a bounded queue's puts are answered
   * one by one. Once more than 16 MiB of items wait unread, it resolves when the consumers have
   * made room, if they keep taking items (see {@link Queue}).
   *
   * @param item - the item.
   * @param options - `block: false` or a `timeout` in ms to fail with {@link Full} instead of waiting.
   * @throws SerializationError (as a rejection, at once) for an item that cannot be sent, naming the path.
   * @throws Full if the queue stayed full; QueueClosedError if the queue is closed; RangeError for an
   * item whose encoding is larger than a queue holds (256 MiB).
   */
  put(item: T, options: QueueWaitOptions = WAIT): Promise<void> {
    let bytes: Uint8Array;
    try {
      // Here, the bytes are copied into the queue's buffer at once (a put that must wait copies
      // them first): scratch bytes. For another process, they go into a message soon: pooled.
      bytes = this.isLocal ? encodeToScratchBytes(item, "item") : encodeToPooledBytes(item, "item");
      checkItemSize(bytes.length);
      untilOf(options);
    } catch (error) {
      return Promise.reject(error);
    }
    // A put that can never wait (no maxsize; a JoinableQueue counts its items at once instead).
    // After a close() through this handle, it fails at once, as the owner would fail it.
    if (!this.isLocal && this.#unbounded && !this.joinable) {
      if (this.#closedHere) return Promise.reject(new QueueClosedError("cannot put on a closed queue"));
      return this.post("put", bytes) as Promise<void>;
    }
    // Room at once, in memory this thread shares: the common case, with nothing allocated (the
    // general path below tries again, and waits or fails, for every other outcome).
    const buffer = this.#buffer;
    if (buffer !== undefined && this.#waitingPuts.size === 0 && buffer.tryPut(alignedItem(bytes), this.joinable, options.block !== false) === "ok") {
      return DONE;
    }
    return this.invoke("put", [bytes, options], true) as Promise<void>;
  }

  /**
   * Takes the oldest item, waiting for one to arrive.
   *
   * @param options - `block: false` or a `timeout` in ms to fail with {@link Empty} instead of waiting.
   * @returns the item.
   * @throws Empty if no item came; QueueClosedError if the queue is closed and drained.
   */
  get(options: QueueWaitOptions = WAIT): Promise<T> {
    try {
      untilOf(options);
      if (this.#aheadHead < this.#ahead.length) return Promise.resolve(this.#takeAhead());
    } catch (error) {
      return Promise.reject(error);
    }
    // Batches for a consumer in another process, or in a thread while other threads may put.
    if (!this.isLocal || (this.#threadShared && !oneAtATime.has(this))) return this.#getBatched(options);
    return this.invoke("get", [options]).then((item) => decodeTaken(item as TakenItem) as T);
  }

  #takeAhead(): T {
    const item = this.#ahead[this.#aheadHead++]!;
    this.#takes++;
    const left = this.#ahead.length - this.#aheadHead;
    if (left === 0) {
      this.#ahead = [];
      this.#aheadHead = 0;
      // Nothing left to give back, unless a batch is on its way (see `#startReturning`).
      if (this.#prefetch === undefined) aheadHolders.delete(this.#giveBack);
    }
    // Half way through a full batch from another process: fetch the next one now, so that it is
    // here when needed.
    // (A queue that takes all ahead does not fetch while its consumer runs the last item it has:
    // what waits at the owner can still go to another consumer, as a pool's idle worker.)
    const more = allAhead.has(this) ? left > 0 && left <= this.#refetchAt : this.#want > 1 && left <= this.#want >> 1 && this.#batchFull;
    if (more && this.#prefetch === undefined && this.#batchedGets === 0 && !this.isLocal) {
      this.#fetchAhead();
    }
    return decodeTaken(item) as T;
  }

  /** How many items this handle received ahead and has not handed out. */
  protected get aheadCount(): number {
    return this.#ahead.length - this.#aheadHead;
  }

  /** A get of one item, and more ahead while this consumer keeps up. */
  #getBatched(options: QueueWaitOptions): Promise<T> {
    if (this.#prefetch !== undefined) {
      // The next batch is on its way: it holds older items than a get sent now would find.
      const until = untilOf(options);
      return this.#prefetch.then(() => this.get(options.block === false ? options : { timeout: remaining(until) }));
    }
    // Concurrent gets of one handle take one item each (what they take is not ordered anyway).
    const want = this.#batchedGets === 0 && !oneAtATime.has(this) ? this.#nextWant() : 1;
    this.#batchedGets++;
    return this.invoke("getMany", [options, want]).then(
      (records) => {
        this.#batchedGets--;
        this.#received(records as Uint8Array | MessageParts, want);
        try {
          return this.#takeAhead();
        } finally {
          // Only what is left after this get waits to be taken: a batch of one arms no timer.
          if (this.aheadCount > 0) this.#startReturning();
        }
      },
      (error: unknown) => {
        this.#batchedGets--;
        throw error;
      },
    );
  }

  /**
   * How many items to ask for: twice as many as last time while this consumer keeps up (it
   * needs more within {@link KEEP_UP_MS} of the last batch, which was full), else one.
   */
  #nextWant(): number {
    if (allAhead.has(this)) {
      const perItem = (now() - this.#batchAt) / Math.max(1, this.#takes - this.#takesAtBatch);
      return (this.#want = Math.max(1, Math.min(MAX_AHEAD, Math.floor(AHEAD_WORK_MS / perItem))));
    }
    if (now() - this.#batchAt >= KEEP_UP_MS) this.#want = 1;
    else if (this.#batchFull) this.#want = Math.min(MAX_AHEAD, this.#want * 2);
    return this.#want;
  }

  /** Asks, without waiting at the owner, for the batch after the one being taken. */
  #fetchAhead(): void {
    const want = this.#nextWant();
    aheadHolders.add(this.#giveBack);
    this.#prefetch = this.invoke("getMany", [{ block: false }, want]).then(
      (records) => {
        this.#prefetch = undefined;
        this.#received(records as Uint8Array | MessageParts, want);
        if (this.aheadCount > 0) this.#startReturning();
      },
      () => {
        // Empty (or closed, or gone): the next get asks again and reports what it finds.
        this.#prefetch = undefined;
        this.#batchFull = false;
        this.#refetchAt = -1;
      },
    );
  }

  /**
   * Adds a batch of records (see `QueueBuffer.tryTake`), or one large item's parts, behind the
   * items already ahead. The caller then arms the timer that gives back what stays untaken.
   */
  #received(records: Uint8Array | MessageParts, want: number): void {
    this.#batches++;
    if (this.#aheadHead > 0) {
      this.#ahead = this.#ahead.slice(this.#aheadHead);
      this.#aheadHead = 0;
    }
    if (!(records instanceof Uint8Array)) {
      this.#ahead.push(records);
      this.#batchAt = now();
      this.#takesAtBatch = this.#takes;
      this.#batchFull = want === 1;
      return;
    }
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    let n = 0;
    for (let at = 0; at < records.length; n++) {
      const length = view.getUint32(at);
      this.#ahead.push(records.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length));
      at += recordBytes(length);
    }
    this.#batchAt = now();
    this.#takesAtBatch = this.#takes;
    this.#batchFull = n >= want;
    this.#refetchAt = this.aheadCount >> 1;
  }

  /**
   * Arms the timer that gives back items left untaken for {@link AHEAD_IDLE_MS} (without a take or
   * a batch: 5–10 ms). One timer serves batch after batch: it stays armed when the items ahead run
   * out, and ends at its next check if none came since. A timer made and cleared per batch cost a
   * consumer of small items ~4 % of its time (Node: 2,000 batches for 100,000 items).
   */
  #startReturning(): void {
    aheadHolders.add(this.#giveBack);
    if (this.#returnTimer !== undefined) return;
    let seen = this.#takes + this.#batches;
    const check = (): void => {
      const progress = this.#takes + this.#batches;
      if (this.aheadCount === 0 || progress === seen) {
        this.#returnTimer = undefined;
        if (this.aheadCount > 0) void this.#returnAhead();
        return;
      }
      seen = progress;
      this.#returnTimer = setTimeout(check, AHEAD_IDLE_MS);
    };
    this.#returnTimer = setTimeout(check, AHEAD_IDLE_MS);
  }


  #stopReturning(): void {
    if (this.#returnTimer !== undefined) {
      clearTimeout(this.#returnTimer);
      this.#returnTimer = undefined;
    }
    // A batch on its way still has to be taken, or given back at exit.
    if (this.#prefetch === undefined) aheadHolders.delete(this.#giveBack);
  }

  /** Puts the items received ahead back at the front of the queue. */
  async #returnAhead(): Promise<void> {
    this.#stopReturning();
    // A batch on its way is given back with the rest.
    if (this.#prefetch !== undefined) await this.#prefetch;
    this.#stopReturning();
    const items = this.#ahead.slice(this.#aheadHead).map((item) => (item instanceof Uint8Array ? item : repackMessage(item)));
    this.#ahead = [];
    this.#aheadHead = 0;
    if (items.length === 0) return;
    try {
      await this.invoke("unget", [items], true);
    } catch (error) {
      // Only an owner that has gone refuses them, and its queue is gone with it.
      if (!(error instanceof Error && error.name === "OwnerGoneError")) throw error;
    }
  }

  /**
   * Whether the queue has no item (Python's `empty()`; as there, the answer may be stale by the
   * time you act on it).
   *
   * @returns true if it holds no item.
   */
  async empty(): Promise<boolean> {
    return this.aheadCount === 0 && ((await this.invoke("qsize", [])) as number) === 0;
  }

  /**
   * Closes the queue for everyone: later `put`s fail with {@link QueueClosedError}; `get`s still
   * take what is left, then fail with it (and `for await` loops end).
   */
  close(): Promise<void> {
    this.#closedHere = true;
    return this.invoke("close", [], true) as Promise<void>;
  }

  /**
   * Iterates over the items until the queue is closed and drained.
   *
   * @returns an async iterator of items.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      try {
        yield await this.get();
      } catch (error) {
        if (error instanceof QueueClosedError) return;
        throw error;
      }
    }
  }

  protected override perform(method: string, args: unknown[], _holder: number, peer: Peer): unknown {
    const buffer = this.#buffer!;
    switch (method) {
      case "put": {
        const bytes = alignedItem(args[0] as Uint8Array);
        const options = (args[1] ?? {}) as QueueWaitOptions;
        const earlier = this.#waitingPuts.size === 0 ? undefined : this.#waitingPuts.get(peer.id);
        const paced = options.block !== false;
        if (earlier === undefined) {
          // The common case, without waiting: no promise machinery.
          const outcome = buffer.tryPut(bytes, this.joinable, paced);
          if (outcome === "ok") return undefined;
          if (outcome === "closed") throw new QueueClosedError("cannot put on a closed queue");
        } else if (!paced) {
          throw this.#full(buffer);
        }
        // A put that waits keeps its bytes: scratch bytes would be overwritten by the next encode.
        return this.#putInOrder(buffer, keepScratch(bytes), untilOf(options), peer, earlier, paced);
      }
      case "get": {
        const options = (args[0] ?? {}) as QueueWaitOptions;
        let item = buffer.tryGet();
        if (item === "empty" && this.#spins(buffer, options, peer)) item = buffer.tryGet();
        if (typeof item === "object") return item;
        if (item === "closed") throw new QueueClosedError("the queue is closed and has no item left");
        return this.#get(buffer, options, peer);
      }
      case "getMany": {
        // The oldest items, up to `want`, as records (see QueueBuffer.tryTake).
        const options = (args[0] ?? {}) as QueueWaitOptions;
        const want = args[1] as number;
        let records = buffer.tryTake(want);
        if (records === "empty" && this.#spins(buffer, options, peer)) records = buffer.tryTake(want);
        if (typeof records === "object") return records;
        if (records === "closed") throw new QueueClosedError("the queue is closed and has no item left");
        return this.#getMany(buffer, options, want, peer);
      }
      case "unget":
        return this.#unget(buffer, args[0] as Uint8Array[]);
      case "qsize":
        return buffer.count;
      case "full":
        return buffer.maxsize > 0 && buffer.count >= buffer.maxsize;
      case "close":
        return buffer.close();
      case "taskDone":
        if (!buffer.taskDone()) throw new RangeError("taskDone() called too many times");
        return undefined;
      case "join":
        return this.#join(buffer);
      case "poll":
        return this.#poll(buffer, args[0] as number | undefined, peer);
      default:
        throw new TypeError(`${this.constructor.name} has no method ${method}`);
    }
  }

  /**
   * Spins briefly for an item before a get of this thread parks, when another thread may be about
   * to put (a remote peer's get must not block the owner's thread, which serves others).
   *
   * @returns whether an item came (or the queue closed) while spinning.
   */
  #spins(buffer: QueueBuffer, options: QueueWaitOptions, peer: Peer): boolean {
    const spin = adapter.spinBeforeParkMs;
    if (spin <= 0 || !this.#threadShared || !buffer.spins || !isSelfPeer(peer) || untilOf(options) <= now()) return false;
    return buffer.spinForItem(spin);
  }

  /**
   * Runs `attempt` until it gives an answer, waiting on `seqCell` between tries. A `busy` buffer
   * (see `Outcome`) is waited out a millisecond at a time, whatever the deadline: it says nothing
   * about room or items.
   */
  async #waitFor<R>(
    buffer: QueueBuffer,
    seqCell: typeof NOT_EMPTY | typeof NOT_FULL,
    until: number,
    peer: Peer,
    attempt: () => R | undefined,
  ): Promise<Exclude<R, "busy"> | undefined> {
    const token = { cancelled: false };
    let set = this.#waits.get(peer.id);
    if (set === undefined) this.#waits.set(peer.id, (set = new Set()));
    set.add(token);
    const waiters = waitersOf(seqCell);
    Atomics.add(buffer.cells, waiters, 1);
    let expired = false;
    try {
      for (;;) {
        const seq = Atomics.load(buffer.cells, seqCell);
        const result = attempt();
        if ((result as unknown) === "busy") {
          if (token.cancelled) throw new Cancelled();
          await buffer.waitForMutex(1);
          continue;
        }
        if (result !== undefined) return result as Exclude<R, "busy">;
        if (expired) return undefined;
        if (token.cancelled) throw new Cancelled();
        // Past the deadline: one last attempt (a busy buffer is waited out first).
        if (!(await waitChange(buffer.cells, seqCell, seq, until))) expired = true;
      }
    } finally {
      Atomics.sub(buffer.cells, waiters, 1);
      set.delete(token);
    }
  }

  /** A put that waits for room, after the peer's `earlier` waiting put (see `#waitingPuts`). */
  #putInOrder(
    buffer: QueueBuffer,
    kept: ReturnType<typeof keepScratch>,
    until: number,
    peer: Peer,
    earlier: Promise<void> | undefined,
    paced: boolean,
  ): Promise<void> {
    const put = (): Promise<void> => this.#put(buffer, kept.bytes, until, peer, paced);
    // After an earlier put that failed, this one is tried all the same, unless its peer is gone.
    const done =
      earlier === undefined
        ? put()
        : earlier.then(put, (error: unknown) => {
            if (error instanceof Cancelled) throw error;
            return put();
          });
    this.#waitingPuts.set(peer.id, done);
    const forget = (): void => {
      if (this.#waitingPuts.get(peer.id) === done) this.#waitingPuts.delete(peer.id);
      kept.done();
    };
    done.then(forget, forget);
    return done;
  }

  /**
   * A put that waits for room. A paced one (see `QueueBuffer.tryPut`) waits while consumers take
   * items, and lets the buffer grow once none is taken for {@link PACE_MS}, or its deadline has
   * passed: pacing never makes a put fail or wait for consumers that have stopped.
   */
  async #put(buffer: QueueBuffer, bytes: Uint8Array, until: number, peer: Peer, paced: boolean): Promise<void> {
    const attempt = (): Exclude<Outcome, "full" | "paced"> | undefined => {
      const o = buffer.tryPut(bytes, this.joinable, paced);
      return o === "full" || o === "paced" ? undefined : o;
    };
    let outcome: Exclude<Outcome, "full" | "paced" | "busy"> | undefined;
    // Paced: wait for room while consumers take items; once none is taken for PACE_MS, grow.
    while (paced) {
      const taken = Atomics.load(buffer.cells, NOT_FULL);
      outcome = await this.#waitFor(buffer, NOT_FULL, Math.min(until, deadline(PACE_MS)), peer, attempt);
      if (outcome !== undefined) break;
      if (now() >= until || Atomics.load(buffer.cells, NOT_FULL) === taken) paced = false;
    }
    outcome ??= await this.#waitFor(buffer, NOT_FULL, until, peer, attempt);
    if (outcome === "closed") throw new QueueClosedError("cannot put on a closed queue");
    if (outcome === undefined) throw this.#full(buffer);
  }

  /** The error of a put that found no room. */
  #full(buffer: QueueBuffer): Full {
    if (buffer.maxsize > 0) return new Full();
    return new Full(`the queue holds ${MAX_BYTES / 2 ** 20} MiB of unread items (the most an unbounded queue holds): no room until a consumer takes some`);
  }

  #get(buffer: QueueBuffer, options: QueueWaitOptions, peer: Peer): Promise<TakenItem> {
    return this.#waitForItems(buffer, options, peer, () => buffer.tryGet());
  }

  #getMany(buffer: QueueBuffer, options: QueueWaitOptions, want: number, peer: Peer): Promise<TakenItem> {
    return this.#waitForItems(buffer, options, peer, () => buffer.tryTake(want));
  }

  async #waitForItems(
    buffer: QueueBuffer,
    options: QueueWaitOptions,
    peer: Peer,
    take: () => TakenItem | "empty" | "closed" | "busy",
  ): Promise<TakenItem> {
    const item = await this.#waitFor(buffer, NOT_EMPTY, untilOf(options), peer, () => {
      const r = take();
      return r === "empty" ? undefined : r;
    });
    if (item === "closed") throw new QueueClosedError("the queue is closed and has no item left");
    if (item === undefined) throw new Empty();
    return item;
  }

  async #unget(buffer: QueueBuffer, items: Uint8Array[]): Promise<void> {
    while (buffer.tryUnget(items) === "busy") await buffer.waitForMutex(1);
    givenBack.get(this)?.();
  }

  async #poll(buffer: QueueBuffer, timeoutMs: number | undefined, peer: Peer): Promise<boolean> {
    const ready = await this.#waitFor(buffer, NOT_EMPTY, deadline(timeoutMs), peer, () =>
      buffer.count > 0 || buffer.closed ? true : undefined,
    );
    return ready === true;
  }

  async #join(buffer: QueueBuffer): Promise<void> {
    for (;;) {
      const seq = Atomics.load(buffer.cells, ALL_DONE);
      if (Atomics.load(buffer.cells, UNFINISHED) <= 0) return;
      await waitChange(buffer.cells, ALL_DONE, seq, Infinity);
    }
  }

  protected override peerGone(peer: Peer): void {
    const set = this.#waits.get(peer.id);
    if (set === undefined) return;
    for (const token of set) token.cancelled = true;
    this.#waits.delete(peer.id);
    // Wake the waits so they see they were cancelled: a dead peer's get must not take an item.
    const cells = this.#buffer!.cells;
    Atomics.add(cells, NOT_EMPTY, 1);
    Atomics.add(cells, NOT_FULL, 1);
    Atomics.notify(cells, NOT_EMPTY);
    Atomics.notify(cells, NOT_FULL);
  }
}

/**
 * A FIFO queue shared by processes (Python's `multiprocessing.Queue`): pass it to children as a
 * `Process` argument, `put` in one process and `get` in another. Items keep their order per
 * producer.
 *
 * The methods are async and work the same in both contexts. `qsize()`, `empty()` and `full()` are
 * snapshots, as in Python.
 *
 * A queue keeps its items encoded in shared memory, 256 MiB of them at most. A queue without a
 * `maxsize` accepts every item up to that (CPython's buffers them in the producer without a
 * limit); past it, a `put` waits for a consumer to take some, as it does on a full bounded queue,
 * and `putNowait` throws {@link Full}. An item whose encoding is larger than 256 MiB is refused
 * with a `RangeError`. Before that, once more than 16 MiB of items wait unread, a `put` keeps
 * pace with the consumers: it resolves when they have taken enough to make room, for as long as
 * they keep taking items; when none is taken for 20 ms, the queue grows instead. A producer that
 * runs far ahead would otherwise fill fresh memory, which costs more than copying the items
 * (large items between threads went 1.3–1.5 times faster with pacing); it never waits for
 * consumers that have stopped. `putNowait` is never paced.
 *
 * A child killed while it uses the queue never leaves it stuck: an item it was putting is either
 * in the queue whole or not at all, and one it was getting is gone with it. As in Python, a kill
 * at a rare moment (a worker thread terminated while it moves the queue's records, which happens
 * only in a queue of 256 MiB or when a consumer gives items back) can still lose or garble the
 * items queued then; end children with a sentinel or `close()` rather than a kill when every item
 * matters.
 *
 * A consumer that takes items as fast as they come (in another OS process, or in a thread while
 * other threads put) receives them in batches of up to 64 (one at a time while it spends more
 * than a millisecond per item). Items it received and has not taken go back to the front of the
 * queue when it exits, or after 5–10 ms without a `get`: in between, another consumer may see later
 * items first, and a consumer that is killed takes them with it (in CPython, the item being
 * read).
 *
 * @typeParam T - the items' type.
 *
 * @example
 * ```ts
 * import { Process, isMain, task } from "@multiproc/core";
 * import { Queue } from "@multiproc/ipc";
 *
 * export const square = task(import.meta, async function square(n: number, results: Queue<number>) {
 *   await results.put(n * n);
 * });
 *
 * if (isMain(import.meta)) {
 *   const results = new Queue<number>();
 *   const children = [1, 2, 3].map((n) => new Process({ target: square, args: [n, results] }));
 *   children.forEach((p) => p.start());
 *   const got = [await results.get(), await results.get(), await results.get()];
 *   for (const p of children) await p.join();
 *   console.log(got.sort((a, b) => a - b)); // [1, 4, 9]
 * }
 * ```
 */
export class Queue<T = unknown> extends QueueBase<T> {
  /**
   * Creates an empty queue.
   *
   * @param options - `maxsize` for a bounded queue.
   */
  constructor(options?: QueueOptions);
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(options: QueueOptions | typeof fromState = {}, state?: PrimitiveState) {
    super(options === fromState && state !== undefined ? state : freshState(options as QueueOptions));
  }

  protected get kind(): string {
    return "@multiproc/ipc:Queue";
  }

  /**
   * Puts without waiting: fails with {@link Full} at once if a bounded queue is full.
   *
   * @param item - the item.
   */
  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }

  /**
   * Gets without waiting: fails with {@link Empty} at once if there is no item.
   *
   * @returns the item.
   */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /**
   * How many items the queue holds now.
   *
   * @returns the number of items.
   */
  async qsize(): Promise<number> {
    return ((await this.invoke("qsize", [])) as number) + this.aheadCount;
  }

  /**
   * Whether a bounded queue is full now.
   *
   * @returns true if a `put` would wait.
   */
  async full(): Promise<boolean> {
    return (await this.invoke("full", [])) as boolean;
  }
}

function freshState(options: QueueOptions): PrimitiveState {
  if (options === null || typeof options !== "object") throw new TypeError("new Queue(options): options must be an object such as { maxsize: 10 }");
  const maxsize = options.maxsize ?? 0;
  if (typeof maxsize !== "number" || !Number.isInteger(maxsize)) throw new TypeError("maxsize must be an integer (0 or less: no limit)");
  const buffer = new QueueBuffer(undefined, undefined, maxsize);
  return { sab: buffer.control, extra: { data: buffer.data, fresh: true } satisfies QueueExtra };
}

/**
 * A queue whose items are tasks to finish (Python's `multiprocessing.JoinableQueue`): consumers
 * call `taskDone()` for every item they got, and `join()` waits until every item put has been
 * marked done.
 *
 * @typeParam T - the items' type.
 *
 * @example
 * ```ts
 * import { task } from "@multiproc/core";
 * import { JoinableQueue } from "@multiproc/ipc";
 *
 * export const worker = task(import.meta, async function worker(jobs: JoinableQueue<string>) {
 *   for (;;) {
 *     const job = await jobs.get();
 *     console.log("doing", job);
 *     await jobs.taskDone();
 *   }
 * });
 * // parent: put the jobs, start daemonic workers, then `await jobs.join()`
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  protected override get kind(): string {
    return "@multiproc/ipc:JoinableQueue";
  }

  protected override get joinable(): boolean {
    return true;
  }

  /**
   * Marks one item as done.
   *
   * @throws RangeError (as a rejection) if called more times than items were put.
   */
  taskDone(): Promise<void> {
    return this.invoke("taskDone", [], true) as Promise<void>;
  }

  /** Waits until every item put so far has been marked done. */
  join(): Promise<void> {
    return this.invoke("join", []) as Promise<void>;
  }
}

/**
 * A minimal unbounded queue (Python's `multiprocessing.SimpleQueue`): `put`, `get`, `empty`,
 * `close`.
 *
 * @typeParam T - the items' type.
 *
 * @example
 * ```ts
 * import { SimpleQueue } from "@multiproc/ipc";
 * const q = new SimpleQueue<string>();
 * await q.put("hello");
 * await q.get(); // "hello"
 * ```
 */
export class SimpleQueue<T = unknown> extends QueueBase<T> {
  /** Creates an empty queue. */
  constructor();
  /** @internal */
  constructor(token: typeof fromState, state: PrimitiveState);
  constructor(token?: typeof fromState, state?: PrimitiveState) {
    super(token === fromState && state !== undefined ? state : freshState({}));
  }

  protected get kind(): string {
    return "@multiproc/ipc:SimpleQueue";
  }
}

/**
 * Waits until the queue has an item or is closed, or `timeoutMs` passes (for `Connection.poll`).
 *
 * @internal
 */
export function pollQueue(queue: QueueBase<unknown>, timeoutMs: number | undefined): Promise<boolean> {
  const q = queue as unknown as { aheadCount: number; invoke(m: string, a: unknown[]): Promise<boolean> };
  if (q.aheadCount > 0) return Promise.resolve(true);
  return q.invoke("poll", [timeoutMs]);
}

preloadInChildren(import.meta.url);
registerPrimitive("@multiproc/ipc:Queue", (state) => new Queue(fromState, state));
registerPrimitive("@multiproc/ipc:JoinableQueue", (state) => new JoinableQueue(fromState, state));
registerPrimitive("@multiproc/ipc:SimpleQueue", (state) => new SimpleQueue(fromState, state));
