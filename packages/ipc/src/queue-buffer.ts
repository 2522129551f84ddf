/**
 * The queue's storage: encoded items, each a length-prefixed record, in a growable
 * SharedArrayBuffer, with the counters in a second, fixed one. A short mutex (held only while
 * bytes are copied, never across an `await`) guards both; waiting for an item or for room happens
 * outside it, on sequence cells that every change bumps. Worker threads of the owning process use
 * it directly; other OS processes reach it through the owner (see `queue.ts`).
 *
 * @internal
 * @module
 */
import { acquireCellsSync, LOCK_CELLS, localHolder, releaseCells, wake } from "@multiproc/core/internal";

/** Cell indexes in the control buffer, after the mutex's cells. */
export const COUNT = LOCK_CELLS;
export const READ = LOCK_CELLS + 1;
export const WRITE = LOCK_CELLS + 2;
export const CLOSED = LOCK_CELLS + 3;
export const NOT_EMPTY = LOCK_CELLS + 4;
export const NOT_FULL = LOCK_CELLS + 5;
export const UNFINISHED = LOCK_CELLS + 6;
export const ALL_DONE = LOCK_CELLS + 7;
export const MAXSIZE = LOCK_CELLS + 8;
/** How many waits on NOT_EMPTY / NOT_FULL are under way: a change notifies only when some are. */
export const NOT_EMPTY_WAITERS = LOCK_CELLS + 9;
export const NOT_FULL_WAITERS = LOCK_CELLS + 10;
/** How many control cells a queue needs. */
export const CONTROL_CELLS = LOCK_CELLS + 11;

/** The cell counting the waits on a sequence cell. */
export function waitersOf(seqCell: typeof NOT_EMPTY | typeof NOT_FULL): number {
  return seqCell === NOT_EMPTY ? NOT_EMPTY_WAITERS : NOT_FULL_WAITERS;
}

const INITIAL_BYTES = 64 * 1024;
/** The most the data buffer may grow to (address space is reserved, memory is not). */
export const MAX_BYTES = 256 * 1024 * 1024;

/** What a put or get found. */
export type Outcome = "ok" | "full" | "empty" | "closed";

/** A queue's two buffers and the operations on them. */
export class QueueBuffer {
  readonly control: SharedArrayBuffer;
  readonly data: SharedArrayBuffer;
  readonly cells: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;

  constructor(control?: SharedArrayBuffer, data?: SharedArrayBuffer, maxsize = 0) {
    this.control = control ?? new SharedArrayBuffer(CONTROL_CELLS * 4);
    this.data = data ?? new SharedArrayBuffer(INITIAL_BYTES, { maxByteLength: MAX_BYTES });
    this.cells = new Int32Array(this.control);
    this.#bytes = new Uint8Array(this.data);
    this.#view = new DataView(this.data);
    if (control === undefined) Atomics.store(this.cells, MAXSIZE, maxsize > 0 ? Math.min(maxsize, 0x7fffffff) : 0);
  }

  #lock(): void {
    acquireCellsSync(this.cells, localHolder(), {}, false);
  }

  #unlock(): void {
    releaseCells(this.cells, localHolder(), false);
  }

  /** Appends an item unless the queue is closed or full. */
  tryPut(item: Uint8Array, joinable: boolean): Outcome {
    const c = this.cells;
    this.#lock();
    try {
      if (Atomics.load(c, CLOSED) === 1) return "closed";
      const max = Atomics.load(c, MAXSIZE);
      if (max > 0 && Atomics.load(c, COUNT) >= max) return "full";
      const need = 4 + item.length;
      let write = Atomics.load(c, WRITE);
      if (write + need > this.data.byteLength) write = this.#makeRoom(need);
      this.#view.setUint32(write, item.length);
      this.#bytes.set(item, write + 4);
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

  /** Moves unread records to the front, then grows the buffer if that is not enough. */
  #makeRoom(need: number): number {
    const c = this.cells;
    const read = Atomics.load(c, READ);
    let write = Atomics.load(c, WRITE);
    if (read > 0) {
      this.#bytes.copyWithin(0, read, write);
      write -= read;
      Atomics.store(c, READ, 0);
      Atomics.store(c, WRITE, write);
    }
    if (write + need > this.data.byteLength) {
      const wanted = Math.max(this.data.byteLength * 2, write + need);
      if (wanted > MAX_BYTES) {
        throw new RangeError(`the queue holds more than ${MAX_BYTES} bytes of unread items: a consumer has fallen far behind`);
      }
      this.data.grow(Math.min(MAX_BYTES, wanted));
    }
    return write;
  }

  /** Takes the oldest item, or says why there is none. */
  tryGet(): Uint8Array | "empty" | "closed" {
    const c = this.cells;
    let item: Uint8Array;
    this.#lock();
    try {
      if (Atomics.load(c, COUNT) === 0) return Atomics.load(c, CLOSED) === 1 ? "closed" : "empty";
      const read = Atomics.load(c, READ);
      const length = this.#view.getUint32(read);
      item = this.#bytes.slice(read + 4, read + 4 + length);
      if (Atomics.sub(c, COUNT, 1) === 1) {
        Atomics.store(c, READ, 0);
        Atomics.store(c, WRITE, 0);
      } else {
        Atomics.store(c, READ, read + 4 + length);
      }
      Atomics.add(c, NOT_FULL, 1);
    } finally {
      this.#unlock();
    }
    if (Atomics.load(c, NOT_FULL_WAITERS) > 0) wake(c, NOT_FULL);
    return item;
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
