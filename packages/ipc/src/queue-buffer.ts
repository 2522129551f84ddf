/**
 * The queue's storage: encoded items, each in an 8-aligned, length-prefixed record, in a growable
 * SharedArrayBuffer, with the counters in a second, fixed one. A short mutex (held while small
 * items are copied and counters change, never across an `await`) guards both; waiting for an item
 * or for room happens outside it, on sequence cells that every change bumps. A large item is
 * copied in and out without the mutex, in a place the mutex reserved for it
 * (see {@link PIN_SLOTS}), so that a producer and a consumer copy at the same time. Worker
 * threads of the owning process use it directly; other OS processes reach it through the owner
 * (see `queue.ts`).
 *
 * @internal
 * @module
 */
import { adapter, allocate, copyMessageParts, deadline, localHolder, type MessageParts, now, waitChange, wake } from "@multiproc/core/internal";

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
/**
 * The first of the pin slots: three cells each — the holder token of the thread copying outside
 * the mutex (0: the slot is free), then the start and the end of the record it copies. Every
 * held record lies below WRITE (a put's record is the last one written; a get's is below READ),
 * and puts write at WRITE and above: while any slot is held, WRITE does not go back (no
 * compaction, no return to the buffer's start), so nothing overwrites or moves a held record.
 */
export const PINS = 14;
/**
 * How many large items may be copied outside the mutex at once; another one is copied under it.
 * Eight covers four producers and four consumers copying at the same moment.
 */
export const PIN_SLOTS = 8;

/** How many control cells a queue needs. */
export const CONTROL_CELLS = PINS + 3 * PIN_SLOTS;

/**
 * Whether a worker thread whose end is reported has stopped (see
 * `RuntimeAdapter.threadExitIsFinal`). Where it may not have (Deno), a thread's end frees nothing
 * it held: Deno stops a terminated thread only when it returns to its event loop, never inside a
 * critical section or a copy (both synchronous), so the thread itself frees what it holds, and
 * freeing it for the thread while it still runs there would let another thread in.
 */
const endIsFinal = adapter.threadExitIsFinal;

/** The cell counting the waits on a sequence cell. */
export function waitersOf(seqCell: typeof NOT_EMPTY | typeof NOT_FULL): number {
  return seqCell === NOT_EMPTY ? NOT_EMPTY_WAITERS : NOT_FULL_WAITERS;
}

/**
 * Bytes before each record's item: the item's length (big-endian u32), then its state, an Int32
 * in the platform's order: 0 when the item is whole, the holder token of the thread still copying
 * it in (a positive number, see {@link PINS}), or {@link ABANDONED}. Records start at multiples
 * of 8, and so do items: V8 copies between SharedArrayBuffer memory and other memory word by
 * word only when both sides are equally aligned, byte by byte otherwise (six times slower for a
 * megabyte, measured on Node 24). Encoded items start 8-aligned in their own memory (slab
 * regions, scratch, fresh buffers), and so do their attachments within them (see the codec's
 * byte layout).
 *
 * @example
 * ```ts
 * const length = view.getUint32(at); // a record at `at`
 * const item = bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length);
 * ```
 */
export const RECORD_HEADER = 8;

/**
 * A record's state (see {@link RECORD_HEADER}) when the thread that was copying its item in ended
 * first: the put never returned, and gets drop the record.
 */
export const ABANDONED = -1;

/** The index, in 4-byte words, of the state of the record at byte `at` (see {@link RECORD_HEADER}). */
function stateWord(at: number): number {
  return (at + 4) >> 2;
}

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

/**
 * What `#makeRoom` returns when the buffer, at its largest, has room only once it is compacted,
 * and a copy outside the mutex keeps the records where they are for now.
 */
const PINNED = -3;

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
 * Takes the item at `bytes[from, from + length)` out: as its parts when it is large, else copied
 * whole. Bytes that are not a well-formed message are copied whole, so that decoding them reports
 * the error (the record is consumed either way).
 */
function takeOut(bytes: Uint8Array, from: number, length: number): TakenItem {
  if (length > LARGE_ITEM) {
    try {
      return copyMessageParts(bytes.subarray(from, from + length));
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
   * is freed (the half-made change is never published: the counters move last). A record it was
   * copying in outside the mutex is marked {@link ABANDONED} (its put never returned), and the
   * places it held are freed. Every waiter is woken too, in case it was killed between
   * publishing an item and notifying. On Deno only the waiters are woken (see `endIsFinal`).
   */
  threadGone(holder: number): void {
    const c = this.cells;
    if (endIsFinal) this.#freeHeldBy(holder);
    Atomics.add(c, NOT_EMPTY, 1);
    Atomics.add(c, NOT_FULL, 1);
    wake(c, NOT_EMPTY);
    wake(c, NOT_FULL);
  }

  /** Frees the mutex and the places that a thread which has stopped held (see `threadGone`). */
  #freeHeldBy(holder: number): void {
    const c = this.cells;
    if (Atomics.compareExchange(c, MUTEX, holder, holder) === holder) {
      this.#repair();
      Atomics.store(c, MUTEX, 0);
      wake(c, MUTEX);
    }
    this.#views();
    for (let slot = PINS; slot < CONTROL_CELLS; slot += 3) {
      if (Atomics.load(c, slot) !== holder) continue;
      const start = Atomics.load(c, slot + 1);
      if (start + RECORD_HEADER <= this.#bytes.byteLength) Atomics.compareExchange(this.#words, stateWord(start), holder, ABANDONED);
      Atomics.compareExchange(c, slot, holder, 0);
    }
  }

  /**
   * Reserves a place for a copy outside the mutex (called under it): the record at
   * `[start, end)`.
   *
   * @returns the slot's first cell, or -1 when every slot is taken (the caller copies under the
   *   mutex instead).
   */
  #pin(start: number, end: number): number {
    const c = this.cells;
    for (let slot = PINS; slot < CONTROL_CELLS; slot += 3) {
      if (Atomics.load(c, slot) !== 0) continue;
      // The place before the holder: a slot that names a holder always names its record.
      Atomics.store(c, slot + 1, start);
      Atomics.store(c, slot + 2, end);
      Atomics.store(c, slot, localHolder());
      return slot;
    }
    return -1;
  }

  /** Frees a place taken by {@link #pin}, and wakes the puts that wait for the records to move. */
  #unpin(slot: number): void {
    const c = this.cells;
    Atomics.store(c, slot, 0);
    Atomics.add(c, NOT_FULL, 1);
    if (Atomics.load(c, NOT_FULL_WAITERS) > 0) wake(c, NOT_FULL);
  }

  /**
   * Whether a copy outside the mutex holds a record that overlaps `[from, to)` (by default,
   * anywhere: see {@link PINS}).
   */
  #pinned(from = 0, to = MAX_BYTES): boolean {
    const c = this.cells;
    for (let slot = PINS; slot < CONTROL_CELLS; slot += 3) {
      if (Atomics.load(c, slot) !== 0 && Atomics.load(c, slot + 1) < to && from < Atomics.load(c, slot + 2)) return true;
    }
    return false;
  }

  /**
   * Appends an item unless the queue is closed or full. An unbounded queue is full too when its
   * buffer, at its largest ({@link MAX_BYTES}), has no room for the item until gets take some.
   * A large item (see {@link LARGE_ITEM}) is copied in after the mutex is released, into the
   * record reserved for it; gets take the records behind it meanwhile only once it is whole.
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
    let slot = -1;
    let write: number;
    if (!this.#lock()) return "busy";
    try {
      if (Atomics.load(c, CLOSED) === 1) return "closed";
      const max = Atomics.load(c, MAXSIZE);
      if (max > 0 && Atomics.load(c, COUNT) >= max) return "full";
      const need = recordBytes(item.length);
      write = Atomics.load(c, WRITE);
      // The buffer only grows: views that already cover the record need no refresh (reading the
      // size of a growable SharedArrayBuffer is an atomic load, ~5 % of a small put's time).
      if (write + need > this.#bytes.byteLength) {
        this.#views();
        if (write + need > this.#bytes.byteLength) write = this.#makeRoom(need, paced);
      }
      if (write < 0) return write === PACED ? "paced" : write === PINNED ? "busy" : "full";
      this.#view.setUint32(write, item.length);
      if (item.length > LARGE_ITEM) slot = this.#pin(write, write + need);
      if (slot < 0) {
        this.#words[stateWord(write)] = 0; // published with WRITE, under the mutex
        this.#bytes.set(item, write + RECORD_HEADER);
      } else {
        Atomics.store(this.#words, stateWord(write), localHolder());
      }
      Atomics.store(c, WRITE, write + need);
      Atomics.add(c, COUNT, 1);
      if (joinable) Atomics.add(c, UNFINISHED, 1);
      if (slot < 0) Atomics.add(c, NOT_EMPTY, 1);
    } finally {
      this.#unlock();
    }
    if (slot >= 0) {
      // The views cover the record (the buffer only grows); the store that says it is whole
      // comes after the copy, and a get reads it before the bytes.
      try {
        this.#bytes.set(item, write + RECORD_HEADER);
        Atomics.store(this.#words, stateWord(write), 0);
      } finally {
        this.#unpin(slot);
      }
      Atomics.add(c, NOT_EMPTY, 1);
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
   * compaction), once no copy outside the mutex holds them (`busy` until then): a worker thread
   * terminated at that moment can garble the queue, as one terminated while compacting can.
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
      if (read >= need ? this.#pinned(read - need, read) : this.#pinned()) return "busy";
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
        this.#words[stateWord(at)] = 0;
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
   * the last): the count is what lies between them, records still being copied in and abandoned
   * ones included. A compaction stores WRITE (the records' new end, at most the old READ) before
   * READ (0): READ ≥ WRITE with records queued means it was cut between the two, and the records
   * start at 0. A death while a buffer at its largest size was compacted, or while `tryUnget`
   * moved records up, can still garble the items then in the queue, as in Python.
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
   * see `tryPut`). Not while a copy outside the mutex holds a record (see {@link PINS}): the
   * buffer grows instead, or a paced put waits for the copy.
   *
   * @returns where the record goes, -1 when the buffer at its largest has no room for it,
   *   {@link PACED} when a paced put would have to grow it past {@link PACED_BYTES}, or
   *   {@link PINNED} when only a compaction that must wait would make room.
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
    let held = false;
    if (read > 0 && (read >= (paced ? 3 * used : used) || write + need > MAX_BYTES)) {
      held = this.#pinned();
      if (!held) {
        this.#bytes.copyWithin(0, read, write);
        Atomics.store(c, WRITE, used);
        Atomics.store(c, READ, 0);
        write = used;
      } else if (write + need > MAX_BYTES) {
        return PINNED;
      }
    }
    if (write + need > this.#bytes.byteLength) {
      if (write + need > MAX_BYTES) return -1;
      // A copy under way ends soon, and its end wakes the paced puts (see #unpin).
      if (paced && write + need > PACED_BYTES && (held || write > Atomics.load(c, READ))) return PACED;
      this.#grow(write + need);
    }
    return write;
  }

  /** Grows the data buffer to hold at least `bytes`. */
  #grow(bytes: number): void {
    if (bytes > MAX_BYTES) {
      throw new RangeError(`the queue's buffer is at its largest (${MAX_BYTES / 2 ** 20} MiB): a consumer has fallen far behind`);
    }
    this.data.grow(grownSize(this.data.byteLength, bytes));
    this.#views();
  }

  /**
   * The oldest record a get may take (under the mutex), after dropping the abandoned ones in
   * front of it (see {@link ABANDONED}).
   *
   * @returns its offset, or -1 when there is none, or the oldest is still being copied in.
   */
  #head(): number {
    const c = this.cells;
    while (Atomics.load(c, COUNT) > 0) {
      const read = Atomics.load(c, READ);
      const state = Atomics.load(this.#words, stateWord(read));
      if (state === 0) return read;
      if (state > 0) return -1;
      this.#consume(read, read + recordBytes(this.#view.getUint32(read)), 1);
    }
    return -1;
  }

  /**
   * Consumes the `taken` records at `[read, end)` (under the mutex), with one store (see
   * #repair): WRITE first when they were the last ones, and no copy outside the mutex holds a
   * record (the next put then starts again at the buffer's start).
   */
  #consume(read: number, end: number, taken: number): void {
    const c = this.cells;
    if (end >= Atomics.load(c, WRITE) && !this.#pinned()) {
      Atomics.store(c, WRITE, 0);
      Atomics.store(c, READ, 0);
    } else {
      Atomics.store(c, READ, end);
    }
    Atomics.sub(c, COUNT, taken);
    Atomics.add(c, NOT_FULL, 1);
  }

  /** What a get that found no record to take answers. */
  #none(): "empty" | "closed" {
    const c = this.cells;
    return Atomics.load(c, COUNT) === 0 && Atomics.load(c, CLOSED) === 1 ? "closed" : "empty";
  }

  /**
   * Copies a large item out of the record at `[read, end)` after the mutex is released, when a
   * slot was free for it (else at once), then frees the slot.
   *
   * @param records - hand a malformed item out as its record (what `tryTake` returns).
   */
  #takeLarge(slot: number, read: number, end: number, records: boolean): TakenItem {
    try {
      const item = takeOut(this.#bytes, read + RECORD_HEADER, this.#view.getUint32(read));
      return item instanceof Uint8Array && records ? copyOut(this.#bytes, read, end - read) : item;
    } finally {
      if (slot >= 0) this.#unpin(slot);
    }
  }

  /** Takes the oldest item, or says why there is none. */
  tryGet(): TakenItem | "empty" | "closed" | "busy" {
    const c = this.cells;
    let item: TakenItem | undefined;
    let slot = -1;
    let read: number;
    let end: number;
    if (!this.#lock()) return "busy";
    try {
      this.#views();
      read = this.#head();
      if (read < 0) return this.#none();
      const length = this.#view.getUint32(read);
      end = read + recordBytes(length);
      if (length > LARGE_ITEM) slot = this.#pin(read, end);
      if (slot < 0) item = takeOut(this.#bytes, read + RECORD_HEADER, length);
      this.#consume(read, end, 1);
    } finally {
      this.#unlock();
    }
    if (Atomics.load(c, NOT_FULL_WAITERS) > 0) wake(c, NOT_FULL);
    return item ?? this.#takeLarge(slot, read, end, false);
  }

  /**
   * Takes up to `most` of the oldest items at once, as their records (see {@link RECORD_HEADER}
   * and {@link recordBytes}) copied out together: what a batched get receives. A large item (see
   * {@link LARGE_ITEM}) comes alone, as its parts; a batch stops before one, and before an item
   * still being copied in.
   */
  tryTake(most: number): Uint8Array | MessageParts | "empty" | "closed" | "busy" {
    const c = this.cells;
    let records: Uint8Array | MessageParts | undefined;
    let slot = -1;
    let read: number;
    let end: number;
    if (!this.#lock()) return "busy";
    try {
      this.#views();
      read = this.#head();
      if (read < 0) return this.#none();
      const count = Atomics.load(c, COUNT);
      const write = Atomics.load(c, WRITE);
      const first = this.#view.getUint32(read);
      end = read + recordBytes(first);
      let taken = 1;
      if (first > LARGE_ITEM) {
        slot = this.#pin(read, end);
        if (slot < 0) records = this.#takeLarge(-1, read, end, true);
      } else {
        while (taken < most && taken < count && end + RECORD_HEADER <= write) {
          const length = this.#view.getUint32(end);
          if (length > LARGE_ITEM || Atomics.load(this.#words, stateWord(end)) !== 0) break;
          end += recordBytes(length);
          taken++;
        }
        records = copyOut(this.#bytes, read, end - read);
      }
      this.#consume(read, end, taken);
    } finally {
      this.#unlock();
    }
    if (Atomics.load(c, NOT_FULL_WAITERS) > 0) wake(c, NOT_FULL);
    return records ?? this.#takeLarge(slot, read, end, true);
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
    const end = now() + ms;
    for (let i = 1; ; i++) {
      if ((Atomics.load(c, COUNT) !== 0 && this.#headWhole()) || Atomics.load(c, CLOSED) === 1) return true;
      if ((i & 63) === 0 && now() >= end) return false;
    }
  }

  /**
   * Whether the oldest record is no longer being copied in. Read without the mutex, it is a hint
   * (a get under the mutex then decides): a spinning consumer waits out a large put's copy.
   */
  #headWhole(): boolean {
    const read = Atomics.load(this.cells, READ);
    this.#views();
    return read + RECORD_HEADER > this.#bytes.byteLength || Atomics.load(this.#words, stateWord(read)) <= 0;
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
