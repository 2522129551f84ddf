/**
 * The queue's storage: encoded items, each in an 8-aligned, length-prefixed record, in a growable
 * SharedArrayBuffer, with the counters in a second, fixed one. A short mutex (held only while
 * bytes are copied, never across an `await`) guards both; waiting for an item or for room happens
 * outside it, on sequence cells that every change bumps. Worker threads of the owning process use
 * it directly; other OS processes reach it through the owner (see `queue.ts`).
 *
 * @internal
 * @module
 */
import { allocate, attachmentBuffers, copyMessageParts, deadline, localHolder, type MessageParts, waitChange, wake } from "@multiproc/core/internal";

/**
 * Cell indexes in the control buffer. MUTEX holds the token of the thread in the critical section
 * (0: free), so that taking it and saying who took it are one atomic step: a thread terminated
 * anywhere leaves either a free mutex or one that names it, which its parent then frees.
 */
export const MUTEX = 0;
/** How many threads sleep (asynchronously) on MUTEX: a release notifies only when some do. */
export const MUTEX_SLEEPERS = 1;
export const COUNT = 2;
export const READ = 3;
export const WRITE = 4;
export const CLOSED = 5;
export const NOT_EMPTY = 6;
export const NOT_FULL = 7;
export const UNFINISHED = 8;
export const ALL_DONE = 9;
export const MAXSIZE = 10;
/** How many waits on NOT_EMPTY / NOT_FULL are under way: a change notifies only when some are. */
export const NOT_EMPTY_WAITERS = 11;
export const NOT_FULL_WAITERS = 12;
/** Non-zero: a get of this queue parks at once, without spinning first (see `QueueBuffer.spins`). */
export const NO_SPIN = 13;
/** How many control cells a queue needs. */
export const CONTROL_CELLS = 14;

/** The cell counting the waits on a sequence cell. */
export function waitersOf(seqCell: typeof NOT_EMPTY | typeof NOT_FULL): number {
  return seqCell === NOT_EMPTY ? NOT_EMPTY_WAITERS : NOT_FULL_WAITERS;
}

/**
 * Bytes before each record's item: the item's length (big-endian u32), then four unused bytes.
 * Records start at multiples of 8, and so do items: V8 copies between SharedArrayBuffer memory
 * and other memory word by word only when both sides are equally aligned, byte by byte
 * otherwise (six times slower for a megabyte, measured on Node 24). Encoded items start 8-aligned
 * in their own memory (slab regions, scratch, fresh buffers), and so do their attachments within
 * them (see the codec's byte layout).
 *
 * @example
 * ```ts
 * const length = view.getUint32(at); // a record at `at`
 * const item = bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length);
 * ```
 */
export const RECORD_HEADER = 8;

/**
 * The bytes a record of an item of `length` bytes takes: the header, the item, and zeros up to the
 * next multiple of 8.
 *
 * @example
 * ```ts
 * recordBytes(13); // 24
 * ```
 */
export function recordBytes(length: number): number {
  return RECORD_HEADER + ((length + 7) & ~7); // lengths stay below MAX_BYTES, far from 2^31
}

const INITIAL_BYTES = 64 * 1024;

/** The most the data buffer may grow to (address space is reserved, memory is not). */
export const MAX_BYTES = 256 * 1024 * 1024;

/** The size past which a paced put waits for consumers instead of growing the buffer (see `tryPut`). */
export const PACED_BYTES = 16 * 1024 * 1024;

/**
 * Throws for an encoded item too large for any queue: its record would not fit in a buffer of
 * {@link MAX_BYTES}, so waiting for room would wait for ever.
 *
 * @example
 * ```ts
 * checkItemSize(encoded.length); // before it is sent to the queue's owner
 * ```
 */
export function checkItemSize(length: number): void {
  if (length > MAX_BYTES - RECORD_HEADER) {
    throw new RangeError(`an item of ${length} bytes (encoded) is larger than a queue holds (${MAX_BYTES / 2 ** 20} MiB): send it in parts`);
  }
}

/**
 * What a put or get found. `busy`: the mutex stayed taken through a short spin — its holder was
 * descheduled, or is a worker thread that was terminated inside the critical section and whose
 * end this thread has not yet seen. The caller waits without blocking its thread (so that the
 * thread-exit hook that frees the mutex can run) and tries again. `paced`: a paced put found no
 * room below {@link PACED_BYTES} (see `QueueBuffer.tryPut`).
 */
export type Outcome = "ok" | "full" | "paced" | "empty" | "closed" | "busy";

/**
 * The size a data buffer of `current` bytes grows to when it must hold `bytes`: twice as large
 * (or `bytes`), but at most {@link MAX_BYTES}, and stopping at {@link PACED_BYTES} on the way,
 * where paced puts stop growing it.
 */
function grownSize(current: number, bytes: number): number {
  const size = Math.max(current * 2, bytes);
  if (current < PACED_BYTES && size > PACED_BYTES) return Math.max(PACED_BYTES, bytes);
  return Math.min(MAX_BYTES, size);
}

/** What `#makeRoom` returns for a paced put that would have to grow the buffer past PACED_BYTES. */
const PACED = -2;

/** 4-byte words in a page of memory. */
const PAGE_WORDS = 4096 / 4;

/** Attempts at the mutex before a put or get says `busy`: the critical sections copy bytes only. */
const SPINS = 1000;

/**
 * An item as a get takes it out of the buffer: its encoded bytes, or, for a large item, its
 * parts (see {@link LARGE_ITEM}).
 */
export type TakenItem = Uint8Array | MessageParts;

/**
 * Items larger than this are taken out as their parts (`copyMessageParts`): each attachment is
 * copied once, into the buffer the decoded value keeps, where copying the item out and decoding
 * it would copy it twice (and allocate twice). Smaller items are copied out whole, into a slab.
 */
export const LARGE_ITEM = 64 * 1024;

/**
 * Takes the record at `bytes[from, from + length)` out: as its parts when it is large, else
 * copied whole. Bytes that are not a well-formed message are copied whole, so that decoding
 * them reports the error (the record is consumed either way).
 */
function takeOut(bytes: Uint8Array, from: number, length: number, into?: Uint8Array[]): TakenItem {
  if (length > LARGE_ITEM) {
    try {
      return copyMessageParts(bytes.subarray(from, from + length), into);
    } catch {
      // Reported when decoded.
    }
  }
  return copyOut(bytes, from, length);
}

/** A copy of `bytes[from, from + length)` in memory of its own (a region of a slab when small). */
function copyOut(bytes: Uint8Array, from: number, length: number): Uint8Array {
  const out = allocate(length);
  if (length <= 64) for (let i = 0; i < length; i++) out[i] = bytes[from + i]!;
  else out.set(bytes.subarray(from, from + length));
  return out;
}

/** A queue's two buffers and the operations on them. */
export class QueueBuffer {
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly cells: Int32Array;
  /**
   * Fixed-length views of the data buffer, made again when it has grown (see `#views`): V8 reads
   * and writes a length-tracking view of a growable buffer element by element ten times slower
   * (48 bytes: ~2 µs against ~0.2 µs on Node 24; likewise on Deno).
   */
  #bytes: Uint8Array;
  #view: DataView;
  #words: Int32Array;
  /** Buffers made for the attachments of the large item a get expects to take (see #prepare). */
  #spare: Uint8Array[] | undefined;

  constructor(control?: SharedArrayBuffer, data?: SharedArrayBuffer, maxsize = 0) {
    this.control = control ?? new SharedArrayBuffer(CONTROL_CELLS * 4);
    this.data = data ?? new SharedArrayBuffer(INITIAL_BYTES, { maxByteLength: MAX_BYTES });
    this.cells = new Int32Array(this.control);
    this.#bytes = new Uint8Array(this.data, 0, this.data.byteLength);
    this.#view = new DataView(this.data, 0, this.data.byteLength);
    this.#words = new Int32Array(this.data, 0, this.data.byteLength >> 2);
    if (control === undefined) Atomics.store(this.cells, MAXSIZE, maxsize > 0 ? Math.min(maxsize, 0x7fffffff) : 0);
  }

  /**
   * Makes the views cover the whole data buffer again if it has grown (in any thread) since they
   * were made. Called before the bytes are used: under the mutex, the size read is the size every
   * published record fits in.
   */
  #views(): void {
    const size = this.data.byteLength;
    if (size === this.#bytes.byteLength) return;
    this.#bytes = new Uint8Array(this.data, 0, size);
    this.#view = new DataView(this.data, 0, size);
    this.#words = new Int32Array(this.data, 0, size >> 2);
  }

  #lock(): boolean {
    const holder = localHolder();
    for (let i = 0; i < SPINS; i++) if (Atomics.compareExchange(this.cells, MUTEX, 0, holder) === 0) return true;
    return false;
  }

  #unlock(): void {
    Atomics.store(this.cells, MUTEX, 0);
    if (Atomics.load(this.cells, MUTEX_SLEEPERS) > 0) wake(this.cells, MUTEX);
  }

  /**
   * Waits (without blocking the thread) until the mutex changes or `ms` pass: what a caller told
   * `busy` does before it tries again.
   */
  async waitForMutex(ms: number): Promise<void> {
    const c = this.cells;
    Atomics.add(c, MUTEX_SLEEPERS, 1);
    try {
      const held = Atomics.load(c, MUTEX);
      if (held !== 0) await waitChange(c, MUTEX, held, deadline(ms));
    } finally {
      Atomics.sub(c, MUTEX_SLEEPERS, 1);
    }
  }

  /**
   * A worker thread (`holder`) has ended. If it was killed inside the critical section, the mutex
   * is freed (the half-made change is never published: the counters move last). Every waiter is
   * woken too, in case it was killed between publishing an item and notifying.
   */
  threadGone(holder: number): void {
    const c = this.cells;
    if (Atomics.compareExchange(c, MUTEX, holder, holder) === holder) {
      this.#repair();
      Atomics.store(c, MUTEX, 0);
      wake(c, MUTEX);
    }
    Atomics.add(c, NOT_EMPTY, 1);
    Atomics.add(c, NOT_FULL, 1);
    wake(c, NOT_EMPTY);
    wake(c, NOT_FULL);
  }

  /**
   * Appends an item unless the queue is closed or full. An unbounded queue is full too when its
   * buffer, at its largest ({@link MAX_BYTES}), has no room for the item until gets take some.
   *
   * @param paced - keep pace with the consumers: rather than grow the buffer past
   *   {@link PACED_BYTES} while it holds unread records, say `paced` (the caller waits for a get),
   *   and compact the records only once three times as many bytes have been taken as are left
   *   (a compaction copies the records left under the mutex). A producer far ahead of its
   *   consumers otherwise writes every item to fresh memory — the buffer grows to hundreds of
   *   MiB, and the page faults cost more than the copies: 200 × 1 MiB between two threads went
   *   1.27× (Node), 1.52× (Deno) and 1.40× (Bun) faster paced.
   * @throws RangeError for an item that no queue can hold (see {@link checkItemSize}).
   */
  tryPut(item: Uint8Array, joinable: boolean, paced = false): Outcome {
    checkItemSize(item.length);
    const c = this.cells;
    if (item.length > LARGE_ITEM) this.#prefault(recordBytes(item.length), paced);
    if (!this.#lock()) return "busy";
    try {
      if (Atomics.load(c, CLOSED) === 1) return "closed";
      const max = Atomics.load(c, MAXSIZE);
      if (max > 0 && Atomics.load(c, COUNT) >= max) return "full";
      const need = recordBytes(item.length);
      let write = Atomics.load(c, WRITE);
      this.#views();
      if (write + need > this.#bytes.byteLength) write = this.#makeRoom(need, paced);
      if (write < 0) return write === PACED ? "paced" : "full";
      this.#view.setUint32(write, item.length);
      this.#bytes.set(item, write + RECORD_HEADER);
      Atomics.store(c, WRITE, write + need);
      Atomics.add(c, COUNT, 1);
      if (joinable) Atomics.add(c, UNFINISHED, 1);
      Atomics.add(c, NOT_EMPTY, 1);
    } finally {
      this.#unlock();
    }
    // A waiter counts itself before it reads NOT_EMPTY, and the bump above comes before this
    // read (both sequentially consistent): either it is counted here, or it sees the bump.
    if (Atomics.load(c, NOT_EMPTY_WAITERS) > 0) wake(c, NOT_EMPTY);
    return "ok";
  }

  /**
   * Puts items taken earlier back at the front, in the order given, closed or full or not (they
   * were in the queue already): what a consumer had received ahead and did not take. When there
   * is no room in front, the unread records move up first (two stores, like `#makeRoom`'s
   * compaction): a worker thread terminated at that moment can garble the queue, as one
   * terminated while compacting can.
   */
  tryUnget(items: readonly Uint8Array[]): "ok" | "busy" {
    const c = this.cells;
    let need = 0;
    for (const item of items) need += recordBytes(item.length);
    if (need === 0) return "ok";
    if (!this.#lock()) return "busy";
    try {
      this.#views();
      let read = Atomics.load(c, READ);
      if (read < need) {
        // Move the unread records up to make room in front of them.
        const write = Atomics.load(c, WRITE);
        const used = write - read;
        if (need + used > this.#bytes.byteLength) this.#grow(need + used);
        this.#bytes.copyWithin(need, read, write);
        Atomics.store(c, WRITE, need + used);
        read = need;
        Atomics.store(c, READ, read);
      }
      let at = read - need;
      for (const item of items) {
        this.#view.setUint32(at, item.length);
        this.#bytes.set(item, at + RECORD_HEADER);
        at += recordBytes(item.length);
      }
      Atomics.store(c, READ, read - need);
      Atomics.add(c, COUNT, items.length);
      Atomics.add(c, NOT_EMPTY, 1);
    } finally {
      this.#unlock();
    }
    if (Atomics.load(c, NOT_EMPTY_WAITERS) > 0) wake(c, NOT_EMPTY);
    return "ok";
  }

  /**
   * Makes the counters agree with the records again after a thread died inside the critical
   * section (the mutex is still taken, for the dead thread). A put publishes its record with one
   * store (WRITE) and a get consumes one with one store (READ, or WRITE then READ when it takes
   * the last): the count is what lies between them. A compaction stores WRITE (the records' new
   * end, at most the old READ) before READ (0): READ ≥ WRITE with records queued means it was
   * cut between the two, and the records start at 0. A death while a buffer at its largest size
   * was compacted, or while `tryUnget` moved records up, can still garble the items then in the
   * queue, as in Python.
   */
  #repair(): void {
    const c = this.cells;
    let read = Atomics.load(c, READ);
    const write = Atomics.load(c, WRITE);
    if (read > write || (read === write && read > 0)) {
      read = 0;
      Atomics.store(c, READ, 0);
    }
    let count = 0;
    this.#views();
    for (let at = read; at + RECORD_HEADER <= write; count++) at += recordBytes(this.#view.getUint32(at));
    Atomics.store(c, COUNT, count);
  }

  /**
   * Moves unread records to the front, then grows the buffer if that is not enough (a paced put:
   * see `tryPut`).
   *
   * @returns where the record goes, -1 when the buffer at its largest has no room for it, or
   *   {@link PACED} when a paced put would have to grow it past {@link PACED_BYTES}.
   */
  #makeRoom(need: number, paced: boolean): number {
    const c = this.cells;
    const read = Atomics.load(c, READ);
    let write = Atomics.load(c, WRITE);
    const used = write - read;
    // Compacts only when the records fit in front of where they are (else the buffer grows): the
    // originals stay whole while they are copied (a copy is never cut by a thread's termination,
    // which V8 delivers between statements), and WRITE is stored before READ, so that every
    // state on the way is one that #repair reads right. Only a buffer at its largest size
    // compacts over its own records.
    if (read > 0 && (read >= (paced ? 3 * used : used) || write + need > MAX_BYTES)) {
      this.#bytes.copyWithin(0, read, write);
      Atomics.store(c, WRITE, used);
      Atomics.store(c, READ, 0);
      write = used;
    }
    if (write + need > this.#bytes.byteLength) {
      if (write + need > MAX_BYTES) return -1;
      if (paced && write + need > PACED_BYTES && write > Atomics.load(c, READ)) return PACED;
      this.#grow(write + need);
    }
    return write;
  }

  /**
   * Before a put of a large record takes the mutex: makes the memory the record will likely go
   * to writable now (growing the buffer if it will have to grow), so that the page faults of
   * fresh memory — several times what the copy costs — are not paid while the mutex is held and
   * the consumers wait. Read without the mutex, the place is a guess, right when one producer
   * puts; a wrong guess costs nothing but the faults. Each page is touched by adding 0 to one of
   * its words: atomic, so a thread writing there meanwhile loses nothing.
   */
  #prefault(need: number, paced: boolean): void {
    const c = this.cells;
    const read = Atomics.load(c, READ);
    const write = Atomics.load(c, WRITE);
    // The put will compact the records to the front (memory used before): nothing to do.
    if (read > 0 && read >= write - read) return;
    const end = write + need;
    if (end > MAX_BYTES) return;
    // A paced put that would have to grow the buffer past PACED_BYTES waits instead.
    if (paced && end > PACED_BYTES && end > this.data.byteLength && write > read) return;
    if (end > this.data.byteLength) {
      try {
        this.data.grow(grownSize(this.data.byteLength, end));
      } catch {
        // Another thread grew it meanwhile (a buffer does not shrink): it is large enough or will be grown under the mutex.
      }
    }
    this.#views();
    const words = this.#words;
    const last = (Math.min(end, this.#bytes.byteLength) - 1) >> 2;
    // The record's first word, then the first word of each later page.
    for (let word = write >> 2; word <= last; word = (Math.floor(word / PAGE_WORDS) + 1) * PAGE_WORDS) Atomics.add(words, word, 0);
  }

  /** Grows the data buffer to hold at least `bytes`. */
  #grow(bytes: number): void {
    if (bytes > MAX_BYTES) {
      throw new RangeError(`the queue's buffer is at its largest (${MAX_BYTES / 2 ** 20} MiB): a consumer has fallen far behind`);
    }
    try {
      this.data.grow(grownSize(this.data.byteLength, bytes));
    } catch (error) {
      // A put that prefaults (see #prefault) may have grown it meanwhile, past the size asked for.
      if (this.data.byteLength < bytes) throw error;
    }
    this.#views();
  }

  /**
   * Before a get takes the mutex: when the oldest item is large, makes the buffers it will be
   * copied into now (see `attachmentBuffers`), so that the page faults of fresh memory are not
   * paid while the mutex is held and the producers wait. The records are read without the
   * mutex, so what is read may be changing: the buffers are only a guess, which the copy uses
   * if they fit the item it takes, and keeps for a later get otherwise.
   */
  #prepare(): void {
    const c = this.cells;
    if (Atomics.load(c, COUNT) === 0) return;
    const read = Atomics.load(c, READ);
    this.#views();
    const size = this.#bytes.byteLength;
    if (read + RECORD_HEADER > size) return;
    const length = this.#view.getUint32(read);
    const from = read + RECORD_HEADER;
    if (length <= LARGE_ITEM || from + length > size) return;
    this.#spare = attachmentBuffers(this.#bytes.subarray(from, from + length), this.#spare);
  }

  /** Takes the oldest item's attachments into the spare buffers when they fit it. */
  #takeOut(from: number, length: number): TakenItem {
    const item = takeOut(this.#bytes, from, length, this.#spare);
    if (typeof item === "object" && !(item instanceof Uint8Array) && item.bins[0] === this.#spare?.[0]) this.#spare = undefined;
    return item;
  }

  /** Takes the oldest item, or says why there is none. */
  tryGet(): TakenItem | "empty" | "closed" | "busy" {
    const c = this.cells;
    let item: TakenItem;
    this.#prepare();
    if (!this.#lock()) return "busy";
    try {
      if (Atomics.load(c, COUNT) === 0) return Atomics.load(c, CLOSED) === 1 ? "closed" : "empty";
      this.#views();
      const read = Atomics.load(c, READ);
      const length = this.#view.getUint32(read);
      item = this.#takeOut(read + RECORD_HEADER, length);
      // One store consumes the record (see #repair): WRITE first when it was the last one.
      if (read + recordBytes(length) >= Atomics.load(c, WRITE)) {
        Atomics.store(c, WRITE, 0);
        Atomics.store(c, READ, 0);
      } else {
        Atomics.store(c, READ, read + recordBytes(length));
      }
      Atomics.sub(c, COUNT, 1);
      Atomics.add(c, NOT_FULL, 1);
    } finally {
      this.#unlock();
    }
    if (Atomics.load(c, NOT_FULL_WAITERS) > 0) wake(c, NOT_FULL);
    return item;
  }

  /**
   * Takes up to `most` of the oldest items at once, as their records (see {@link RECORD_HEADER}
   * and {@link recordBytes}) copied out together: what a batched get receives. A large item (see
   * {@link LARGE_ITEM}) comes alone, as its parts; a batch stops before one.
   */
  tryTake(most: number): Uint8Array | MessageParts | "empty" | "closed" | "busy" {
    const c = this.cells;
    let records: Uint8Array | MessageParts;
    this.#prepare();
    if (!this.#lock()) return "busy";
    try {
      const count = Atomics.load(c, COUNT);
      if (count === 0) return Atomics.load(c, CLOSED) === 1 ? "closed" : "empty";
      this.#views();
      const read = Atomics.load(c, READ);
      const write = Atomics.load(c, WRITE);
      let end = read;
      let taken = 0;
      let parts: MessageParts | Uint8Array | undefined;
      while (taken < most && taken < count && end + RECORD_HEADER <= write) {
        const length = this.#view.getUint32(end);
        if (length > LARGE_ITEM) {
          if (taken > 0) break;
          parts = this.#takeOut(end + RECORD_HEADER, length);
        }
        end += recordBytes(length);
        taken++;
        if (parts !== undefined) break;
      }
      records = parts instanceof Uint8Array || parts === undefined ? copyOut(this.#bytes, read, end - read) : parts;
      if (end >= write) {
        Atomics.store(c, WRITE, 0);
        Atomics.store(c, READ, 0);
      } else {
        Atomics.store(c, READ, end);
      }
      Atomics.sub(c, COUNT, taken);
      Atomics.add(c, NOT_FULL, 1);
    } finally {
      this.#unlock();
    }
    if (Atomics.load(c, NOT_FULL_WAITERS) > 0) wake(c, NOT_FULL);
    return records;
  }

  /**
   * Spins for up to `ms` until an item is there or the queue closes, without counting itself
   * among the waiters: a producer that puts meanwhile notifies nobody. Waking a thread parked on
   * a futex costs 100–250 µs on a busy machine; an answer that comes within microseconds (a
   * pool's worker, a consumer keeping up) is taken this way instead.
   *
   * @returns whether an item came or the queue closed (the caller then tries again).
   */
  spinForItem(ms: number): boolean {
    const c = this.cells;
    const end = performance.now() + ms;
    for (let i = 1; ; i++) {
      if (Atomics.load(c, COUNT) !== 0 || Atomics.load(c, CLOSED) === 1) return true;
      if ((i & 63) === 0 && performance.now() >= end) return false;
    }
  }

  /**
   * Whether a get that finds the queue empty may spin before it parks (see {@link spinForItem}).
   * Its user says no when threads outnumber the cores (a pool with work queued), where a spinning
   * thread takes the core of the one that would put.
   */
  get spins(): boolean {
    return this.cells[NO_SPIN] === 0;
  }

  set spins(on: boolean) {
    Atomics.store(this.cells, NO_SPIN, on ? 0 : 1);
  }

  /** Closes the queue: no more puts; gets drain what is left. Wakes every waiter. */
  close(): void {
    const c = this.cells;
    Atomics.store(c, CLOSED, 1);
    Atomics.add(c, NOT_EMPTY, 1);
    Atomics.add(c, NOT_FULL, 1);
    wake(c, NOT_EMPTY);
    wake(c, NOT_FULL);
  }

  /** Marks one item done (JoinableQueue); false if none was outstanding. */
  taskDone(): boolean {
    const c = this.cells;
    for (;;) {
      const n = Atomics.load(c, UNFINISHED);
      if (n <= 0) return false;
      if (Atomics.compareExchange(c, UNFINISHED, n, n - 1) === n) {
        if (n === 1) {
          Atomics.add(c, ALL_DONE, 1);
          wake(c, ALL_DONE);
        }
        return true;
      }
    }
  }

  get count(): number {
    return Atomics.load(this.cells, COUNT);
  }

  get maxsize(): number {
    return Atomics.load(this.cells, MAXSIZE);
  }

  get closed(): boolean {
    return Atomics.load(this.cells, CLOSED) === 1;
  }
}
