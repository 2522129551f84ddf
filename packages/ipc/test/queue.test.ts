import { describe, expect, it } from "vitest";
import { Process, SerializationError, type ContextName } from "@multiproc/core";
import { Empty, Full, JoinableQueue, Queue, QueueClosedError, SimpleQueue } from "../src/index.ts";
import { encodeToBytes } from "@multiproc/core";
import { decodeFromParts, type MessageParts } from "@multiproc/core/internal";
import {
  ABANDONED,
  CONTROL_CELLS,
  LARGE_ITEM,
  MAX_BYTES,
  MUTEX,
  MUTEX_SLEEPERS,
  NO_SPIN,
  NOT_FULL_WAITERS,
  PACED_BYTES,
  PINS,
  QueueBuffer,
  READ,
  RECORD_HEADER,
  recordBytes,
  WRITE,
} from "../src/queue-buffer.ts";
import { setSpinBeforePark } from "../src/internal.ts";
import { closeThenPut, consumeInBursts, putOnClosed, putOnClosedAndLeave, putThenCrash, putThenExit, takeThenWait } from "./fixtures/ahead-tasks.ts";
import {
  consume,
  consumeLarge,
  echo,
  farAheadItem,
  joinWorker,
  produce,
  produceAndLeave,
  produceFarAhead,
  produceLarge,
  produceSized,
  largeItemLength,
  putForever,
  putLargeForever,
  putThenHang,
  sizedItemLength,
  takeForever,
} from "./fixtures/tasks.ts";

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Deno 2.9 reports a worker thread's end before the thread stops, and stops it only when it
 * returns to its event loop (denoland/deno#35657): never inside a queue's critical section or
 * copy. A queue there frees nothing when a thread ends, and the tests of that clean-up say so.
 */
const endIsFinal = !("Deno" in globalThis);

/** The items in a batch of records taken by `QueueBuffer.tryTake`. */
function recordsOf(records: Uint8Array): number[] {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const items: number[] = [];
  for (let at = 0; at < records.length; at += recordBytes(view.getUint32(at))) items.push(records[at + RECORD_HEADER]!);
  return items;
}

/** The holder token in each of a queue's pin slots (0: free). */
function pinHolders(cells: Int32Array): number[] {
  return range(0, (CONTROL_CELLS - PINS) / 3).map((i) => Atomics.load(cells, PINS + 3 * i));
}

/** A queue's control cells (its mutex, its waiter counts), reached the way its threads reach them. */
function cellsOf<T>(q: Queue<T>): Int32Array {
  return new Int32Array((q as unknown as { sharedBuffer: SharedArrayBuffer }).sharedBuffer);
}

/** Whether cell `index` becomes non-zero (a thread has started waiting) within `ms`. */
async function sleeperWithin(cells: Int32Array, index: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (Atomics.load(cells, index) === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  return Atomics.load(cells, index) > 0;
}

/** Waits (up to 10 s) until cell `index` is non-zero: a thread has started waiting. */
async function untilWaiting(cells: Int32Array, index: number): Promise<void> {
  expect(await sleeperWithin(cells, index, 10_000)).toBe(true);
}

/** Takes a queue's mutex, as a thread in its critical section would; returns what gives it back. */
function holdMutex(cells: Int32Array): () => void {
  expect(Atomics.compareExchange(cells, MUTEX, 0, 424242)).toBe(0);
  return () => {
    Atomics.store(cells, MUTEX, 0);
    Atomics.notify(cells, MUTEX);
  };
}

/** A queue of 0..1999, and a child that has taken the first `n` of them and now waits on `go`. */
async function consumerThatTook(n: number, context: ContextName) {
  const q = new Queue<number>();
  for (let i = 0; i < 2000; i++) await q.put(i);
  const out = new Queue<unknown[]>();
  const go = new Queue<string>();
  const p = new Process({ target: takeThenWait, args: [q, n, out, go], context });
  p.start();
  expect(await out.get()).toEqual(range(0, n));
  return { q, go, p };
}

/** Takes the `n` items of `produceFarAhead` in order, checking each, then waits for the producer to end well. */
async function takeFarAhead(q: Queue<[number, Uint8Array]>, n: number, producer: { join(): Promise<void>; readonly exitCode: number | null }): Promise<void> {
  for (let i = 0; i < n; i++) {
    const [index, bytes] = await q.get();
    const expected = farAheadItem(i)[1].length;
    expect([index, bytes.length, bytes[0], bytes[bytes.length - 1]]).toEqual([i, expected, i & 255, i & 255]);
  }
  await producer.join();
  expect(producer.exitCode).toBe(0);
}

const contexts: ContextName[] = ["process", "thread"];

/** Item `i` of a stream mixing numbers with large byte arrays (every third item) that say their index. */
function mixedItem(i: number): number | Uint8Array {
  if (i % 3 !== 2) return i;
  const bytes = new Uint8Array(LARGE_ITEM + 1000 + i).fill(i & 0xff);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
}

/** The index a {@link mixedItem} says, after checking that it arrived whole. */
function indexOfMixed(item: unknown): number {
  if (typeof item === "number") return item;
  if (!(item instanceof Uint8Array)) throw new TypeError(`unexpected item ${String(item)}`);
  const i = new DataView(item.buffer, item.byteOffset).getUint32(0);
  expect(item.length).toBe(LARGE_ITEM + 1000 + i);
  expect(item.subarray(4).every((b) => b === (i & 0xff))).toBe(true);
  return i;
}

describe("Queue in one process", () => {
  it("is FIFO, and copies items at put()", async () => {
    const q = new Queue<{ n: number }>();
    const item = { n: 1 };
    await q.put(item);
    item.n = 2;
    await q.put(item);
    expect(await q.qsize()).toBe(2);
    expect(await q.get()).toEqual({ n: 1 });
    expect(await q.get()).toEqual({ n: 2 });
    expect(await q.empty()).toBe(true);
  });

  it("getNowait and a timed get fail with Empty: at once, and after at least the timeout", async () => {
    const q = new Queue<number>();
    await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
    const t0 = performance.now();
    await expect(q.get({ timeout: 120 })).rejects.toBeInstanceOf(Empty);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    await expect(q.get({ timeout: -1 })).rejects.toBeInstanceOf(Empty);
  });

  it("a bounded queue: full(), putNowait and a timed put fail with Full, a waiting put proceeds when room appears", async () => {
    const q = new Queue<number>({ maxsize: 1 });
    await q.put(1);
    expect(await q.full()).toBe(true);
    await expect(q.putNowait(2)).rejects.toBeInstanceOf(Full);
    const t0 = performance.now();
    await expect(q.put(2, { timeout: 120 })).rejects.toBeInstanceOf(Full);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    const waiting = q.put(3);
    expect(await q.get()).toBe(1);
    await waiting;
    expect(await q.get()).toBe(3);
  });

  it("an unbounded queue holds 256 MiB of unread items: then putNowait fails with Full, a put waits for a get, and a later put of the same producer waits behind it", async () => {
    const q = new Queue<Uint8Array | string>();
    const mib = (i: number): Uint8Array => new Uint8Array(1 << 20).fill(i & 255);
    let n = 0;
    for (;; n++) {
      const refused = await q.putNowait(mib(n)).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (refused === undefined) continue;
      expect(refused).toBeInstanceOf(Full);
      expect((refused as Error).message).toContain("256 MiB");
      break;
    }
    expect(n).toBeGreaterThan(240);
    expect(n).toBeLessThan(256);
    const settled: string[] = [];
    const big = q.put(mib(n)).then(() => settled.push("big"));
    // Room for this small item, but it must not overtake the big one (nor may a putNowait).
    const small = q.put("small").then(() => settled.push("small"));
    await expect(q.putNowait("other")).rejects.toBeInstanceOf(Full);
    expect(settled).toEqual([]);
    for (let i = 0; i <= n; i++) {
      const item = (await q.get()) as Uint8Array;
      expect([item.length, item[0], item[item.length - 1]]).toEqual([1 << 20, i & 255, i & 255]);
    }
    await Promise.all([big, small]);
    expect(settled).toEqual(["big", "small"]);
    expect(await q.get()).toBe("small");
    await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
  }, 60_000);

  it("a put past 16 MiB of unread items, with nobody taking any, still resolves (the queue grows): pacing never waits for stopped consumers", async () => {
    const q = new Queue<Uint8Array>();
    const n = 40;
    for (let i = 0; i < n; i++) await q.put(new Uint8Array(1 << 20).fill(i));
    expect(await q.qsize()).toBe(n);
    for (let i = 0; i < n; i++) expect((await q.get())[0]).toBe(i);
  }, 60_000);

  it("a put with a timeout that is paced past its deadline resolves: pacing never makes a put fail with Full", async () => {
    const q = new Queue<Uint8Array>();
    const mib = new Uint8Array(1 << 20);
    const fit = Math.floor(PACED_BYTES / recordBytes(encodeToBytes(mib).length));
    for (let i = 0; i < fit; i++) await q.put(mib);
    await q.put(mib, { timeout: 1 });
    await q.put(mib, { timeout: 0 });
    expect(await q.qsize()).toBe(fit + 2);
  }, 60_000);

  it("an item larger than a queue holds (256 MiB encoded) is refused at once with a RangeError", async () => {
    const q = new Queue<Uint8Array | number>();
    const err = await q.put(new Uint8Array(256 * 2 ** 20)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toContain("256 MiB");
    await q.put(1);
    expect(await q.get()).toBe(1);
  }, 60_000);

  it("maxsize 0 or less means unbounded", async () => {
    for (const maxsize of [0, -1]) {
      const q = new Queue<number>({ maxsize });
      for (let i = 0; i < 1000; i++) await q.putNowait(i);
      expect(await q.qsize()).toBe(1000);
      expect(await q.full()).toBe(false);
    }
  });

  it("an unserialisable item is refused at once, naming it, and the queue stays usable", async () => {
    const q = new Queue<unknown>();
    const err = await q.put({ ok: 1, handler: () => 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerializationError);
    expect((err as Error).message).toContain("item.handler");
    await q.put("fine");
    expect(await q.get()).toBe("fine");
  });

  it("close(): puts fail, gets drain then fail, for-await ends", async () => {
    const q = new Queue<number>();
    await q.put(1);
    await q.put(2);
    await q.close();
    await expect(q.put(3)).rejects.toBeInstanceOf(QueueClosedError);
    const seen: number[] = [];
    for await (const x of q) seen.push(x);
    expect(seen).toEqual([1, 2]);
    await expect(q.get()).rejects.toBeInstanceOf(QueueClosedError);
  });

  it("a get waiting on a queue that gets closed fails instead of hanging", async () => {
    const q = new Queue<number>();
    const waiting = q.get();
    await q.close();
    await expect(waiting).rejects.toBeInstanceOf(QueueClosedError);
  });

  it("bad options are rejected", async () => {
    expect(() => new Queue({ maxsize: 1.5 })).toThrow(TypeError);
    await expect(new Queue().get({ timeout: Number.NaN })).rejects.toThrow(TypeError);
  });

  it("SimpleQueue and JoinableQueue basics", async () => {
    const s = new SimpleQueue<string>();
    await s.put("a");
    expect(await s.empty()).toBe(false);
    expect(await s.get()).toBe("a");
    const j = new JoinableQueue<number>();
    await j.put(1);
    await j.get();
    await j.taskDone();
    await j.join();
    await expect(j.taskDone()).rejects.toThrow(/too many times/);
  });

  it("a put that waits keeps its own copy of a large item: encoding another one meanwhile changes nothing", async () => {
    const q = new Queue<Uint8Array>({ maxsize: 1 });
    const other = new Queue<Uint8Array>();
    const a = new Uint8Array(LARGE_ITEM * 2).fill(1);
    const b = new Uint8Array(LARGE_ITEM * 2).fill(2);
    await q.put(a);
    const waiting = q.put(b); // full: it waits
    await other.put(new Uint8Array(LARGE_ITEM).fill(3)); // encoded on this thread meanwhile
    expect(await q.get()).toEqual(a);
    await waiting;
    expect(await q.get()).toEqual(b);
    expect(await other.get()).toEqual(new Uint8Array(LARGE_ITEM).fill(3));
  });

  it("a 16 MiB item arrives intact", async () => {
    const q = new Queue<Uint8Array>();
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    await q.put(big);
    const got = await q.get();
    expect(got.length).toBe(big.length);
    expect(Buffer.from(got).equals(Buffer.from(big))).toBe(true);
  });
});

describe("QueueBuffer: a paced put", () => {
  const mib = new Uint8Array(1 << 20).fill(9);
  /** A buffer filled with paced puts of `mib` until the next one says `paced`; how many went in. */
  function pacedFull(): { buffer: QueueBuffer; n: number } {
    const buffer = new QueueBuffer();
    let n = 0;
    while (buffer.tryPut(mib, false, true) === "ok") n++;
    return { buffer, n };
  }

  it("does not grow the buffer past 16 MiB while it holds unread records: it says `paced`", () => {
    const { buffer, n } = pacedFull();
    expect(n).toBe(Math.floor(PACED_BYTES / recordBytes(mib.length)));
    expect(buffer.data.byteLength).toBe(PACED_BYTES);
    expect(buffer.tryPut(mib, false, true)).toBe("paced");
    expect(buffer.count).toBe(n);
  });

  it("compacts only once three times as much has been taken as is left, then fits", () => {
    const { buffer, n } = pacedFull(); // 15 records
    const left = Math.ceil(n / 4); // 4: taking 11 leaves 4, and 11 < 3 × 4
    for (let i = 0; i < n - left; i++) expect(buffer.tryGet()).not.toBe("empty");
    expect(buffer.tryPut(mib, false, true)).toBe("paced");
    expect(buffer.tryGet()).not.toBe("empty"); // 12 taken, 3 left
    expect(buffer.tryPut(mib, false, true)).toBe("ok");
    const record = recordBytes(mib.length);
    expect([Atomics.load(buffer.cells, READ), Atomics.load(buffer.cells, WRITE)]).toEqual([0, (left - 1 + 1) * record]);
    expect(buffer.data.byteLength).toBe(PACED_BYTES);
    expect(buffer.count).toBe(left);
  });

  it("takes an item larger than 16 MiB into an empty buffer (there is nothing to wait for), and an unpaced put grows the buffer", () => {
    const big = new Uint8Array(PACED_BYTES + 8);
    const empty = new QueueBuffer();
    expect(empty.tryPut(big, false, true)).toBe("ok");
    expect(empty.data.byteLength).toBeGreaterThan(PACED_BYTES);
    const { buffer } = pacedFull();
    expect(buffer.tryPut(mib, false)).toBe("ok");
    expect(buffer.data.byteLength).toBeGreaterThan(PACED_BYTES);
  });
});

describe("QueueBuffer: large items are copied in and out without the mutex", () => {
  const GONE = 424242; // the holder token of a thread that is not running this test
  const big = new Uint8Array(LARGE_ITEM * 2).fill(3);

  /** Takes a free pin slot for `[start, end)` as a thread copying outside the mutex does; returns its first cell. */
  function pin(buffer: QueueBuffer, start: number, end: number, holder = GONE): number {
    for (let slot = PINS; slot < CONTROL_CELLS; slot += 3) {
      if (Atomics.load(buffer.cells, slot) !== 0) continue;
      Atomics.store(buffer.cells, slot + 1, start);
      Atomics.store(buffer.cells, slot + 2, end);
      Atomics.store(buffer.cells, slot, holder);
      return slot;
    }
    throw new Error("no free pin slot");
  }

  /** The record at `at` as a put still copying its item in leaves it: its state names the thread, which holds a slot. */
  function beingWritten(buffer: QueueBuffer, at: number): number {
    Atomics.store(new Int32Array(buffer.data), (at + 4) >> 2, GONE);
    return pin(buffer, at, at + recordBytes(new DataView(buffer.data).getUint32(at)));
  }

  const stateOf = (buffer: QueueBuffer, at: number): number => Atomics.load(new Int32Array(buffer.data), (at + 4) >> 2);
  const freeSlots = (buffer: QueueBuffer): boolean => pinHolders(buffer.cells).every((holder) => holder === 0);

  it("a large item goes in and comes out whole, and leaves every slot free", () => {
    const buffer = new QueueBuffer();
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    expect(stateOf(buffer, 0)).toBe(0);
    expect(freeSlots(buffer)).toBe(true);
    expect(decodeFromParts(buffer.tryGet() as MessageParts)).toEqual(big);
    expect(freeSlots(buffer)).toBe(true);
  });

  it("a record still being copied in is not taken, nor those behind it, until it is whole; then they come in order", () => {
    const buffer = new QueueBuffer();
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    const slot = beingWritten(buffer, 0);
    expect(buffer.tryPut(encodeToBytes(1), false)).toBe("ok");
    expect(buffer.tryGet()).toBe("empty");
    expect(buffer.tryTake(10)).toBe("empty");
    expect(buffer.count).toBe(2);
    expect(buffer.spinForItem(2)).toBe(false); // a spinning consumer waits it out
    buffer.close();
    expect(buffer.tryGet()).toBe("empty"); // closed, but an item is on its way
    // The put's copy ends: the record says it is whole, the slot is freed.
    Atomics.store(new Int32Array(buffer.data), 1, 0);
    Atomics.store(buffer.cells, slot, 0);
    expect(buffer.spinForItem(2)).toBe(true);
    expect(decodeFromParts(buffer.tryTake(10) as MessageParts)).toEqual(big);
    expect(buffer.tryGet()).toEqual(encodeToBytes(1));
    expect(buffer.tryGet()).toBe("closed");
  });

  it.skipIf(!endIsFinal)("a thread that ends while it copies an item in: its record is marked abandoned and dropped, its slots freed", () => {
    const buffer = new QueueBuffer();
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    expect(buffer.tryPut(encodeToBytes(2), false)).toBe("ok");
    beingWritten(buffer, 0);
    pin(buffer, 1 << 20, 2 << 20); // and a get's copy out, elsewhere
    buffer.threadGone(GONE);
    expect(freeSlots(buffer)).toBe(true);
    expect(stateOf(buffer, 0)).toBe(ABANDONED);
    expect(buffer.tryGet()).toEqual(encodeToBytes(2));
    expect(buffer.count).toBe(0);
    expect(buffer.tryGet()).toBe("empty");
    // A whole record is left as it is: the thread had finished that copy.
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    pin(buffer, 0, recordBytes(encodeToBytes(big).length));
    buffer.threadGone(GONE);
    expect(decodeFromParts(buffer.tryGet() as MessageParts)).toEqual(big);
  });

  it("records held by a copy do not move: a paced put waits, an unpaced one grows the buffer; once freed, a put compacts", () => {
    const mib = new Uint8Array(1 << 20).fill(9);
    const record = recordBytes(mib.length);
    const fill = (): QueueBuffer => {
      const buffer = new QueueBuffer();
      while (buffer.tryPut(mib, false, true) === "ok");
      for (let i = 0; i < 12; i++) expect(buffer.tryGet()).not.toBe("empty"); // 3 left: compaction is due
      return buffer;
    };
    // A get still copying out the fourth record: where the records left would move to.
    const paced = fill();
    const slot = pin(paced, 3 * record, 4 * record);
    expect(paced.tryPut(mib, false, true)).toBe("paced");
    expect(paced.data.byteLength).toBe(PACED_BYTES);
    Atomics.store(paced.cells, slot, 0);
    expect(paced.tryPut(mib, false, true)).toBe("ok");
    expect(Atomics.load(paced.cells, READ)).toBe(0);
    // A copy of the twelfth record is not in the way of this move, but later puts would write
    // over it: the records stay where they are.
    const far = fill();
    pin(far, 11 * record, 12 * record);
    expect(far.tryPut(mib, false, true)).toBe("paced");
    const unpaced = fill();
    pin(unpaced, 3 * record, 4 * record);
    expect(unpaced.tryPut(mib, false)).toBe("ok");
    expect(unpaced.data.byteLength).toBeGreaterThan(PACED_BYTES);
    expect(Atomics.load(unpaced.cells, READ)).toBe(12 * record);
    for (let i = 0; i < 4; i++) expect(unpaced.tryGet()).toEqual(mib);
  });

  it("a get that takes the last record while a copy holds a place leaves the next put where the records end", () => {
    const buffer = new QueueBuffer();
    const slot = pin(buffer, 0, 8);
    expect(buffer.tryPut(new Uint8Array([5]), false)).toBe("ok");
    expect(buffer.tryGet()).toEqual(new Uint8Array([5]));
    expect([Atomics.load(buffer.cells, READ), Atomics.load(buffer.cells, WRITE)]).toEqual([16, 16]);
    Atomics.store(buffer.cells, slot, 0);
    expect(buffer.tryPut(new Uint8Array([6]), false)).toBe("ok");
    expect(buffer.tryGet()).toEqual(new Uint8Array([6]));
    expect([Atomics.load(buffer.cells, READ), Atomics.load(buffer.cells, WRITE)]).toEqual([0, 0]);
  });

  it("tryUnget says busy while a copy holds the records it would move up, or the place in front it would write to", () => {
    const buffer = new QueueBuffer();
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    const slot = beingWritten(buffer, 0);
    expect(buffer.tryUnget([new Uint8Array([1])])).toBe("busy");
    Atomics.store(new Int32Array(buffer.data), 1, 0);
    Atomics.store(buffer.cells, slot, 0);
    expect(buffer.tryUnget([new Uint8Array([1])])).toBe("ok");
    expect(buffer.tryGet()).toEqual(new Uint8Array([1]));
    // Room in front, but a get still copies the record there out.
    const taken = pin(buffer, 0, 16);
    expect(buffer.tryUnget([new Uint8Array([2])])).toBe("busy");
    Atomics.store(buffer.cells, taken, 0);
    expect(buffer.tryUnget([new Uint8Array([2])])).toBe("ok");
    expect(buffer.tryGet()).toEqual(new Uint8Array([2]));
    expect(decodeFromParts(buffer.tryGet() as MessageParts)).toEqual(big);
  });

  it("with every slot taken, large items are copied under the mutex, whole", () => {
    const buffer = new QueueBuffer();
    for (let slot = PINS; slot < CONTROL_CELLS; slot += 3) pin(buffer, MAX_BYTES - 8, MAX_BYTES);
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    expect(stateOf(buffer, 0)).toBe(0);
    expect(buffer.tryPut(encodeToBytes(big), false)).toBe("ok");
    expect(decodeFromParts(buffer.tryGet() as MessageParts)).toEqual(big);
    expect(decodeFromParts(buffer.tryTake(5) as MessageParts)).toEqual(big);
  });
});

describe("QueueBuffer: what gets from other processes use", () => {
  it("tryTake takes up to n of the oldest items as records; tryUnget puts items back in front, in order", () => {
    const buffer = new QueueBuffer();
    for (let i = 0; i < 10; i++) expect(buffer.tryPut(new Uint8Array([i, 0, 0]), false)).toBe("ok");
    const first = buffer.tryTake(4);
    expect(first).toBeInstanceOf(Uint8Array);
    expect(recordsOf(first as Uint8Array)).toEqual([0, 1, 2, 3]);
    expect(buffer.count).toBe(6);
    expect(buffer.tryUnget([new Uint8Array([2]), new Uint8Array([3])])).toBe("ok");
    expect(buffer.count).toBe(8);
    expect(recordsOf(buffer.tryTake(100) as Uint8Array)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(buffer.tryTake(1)).toBe("empty");
    buffer.close();
    expect(buffer.tryTake(1)).toBe("closed");
    // A closed queue takes back what was taken from it, to be drained.
    expect(buffer.tryUnget([new Uint8Array([42])])).toBe("ok");
    expect(buffer.tryGet()).toEqual(new Uint8Array([42]));
  });

  it.skipIf(!endIsFinal)("a thread terminated between a compaction's two stores leaves records that the repair reads right", () => {
    for (const taken of [4, 5]) {
      const buffer = new QueueBuffer();
      for (let i = 0; i < 8; i++) buffer.tryPut(new Uint8Array([i, i, i]), false); // 7 bytes a record
      expect(recordsOf(buffer.tryTake(taken) as Uint8Array)).toEqual(range(0, taken));
      // What #makeRoom does, cut after its first store (4 taken: READ = WRITE; 5: READ > WRITE).
      const read = Atomics.load(buffer.cells, READ);
      const used = Atomics.load(buffer.cells, WRITE) - read;
      new Uint8Array(buffer.data).copyWithin(0, read, read + used);
      Atomics.store(buffer.cells, WRITE, used);
      Atomics.store(buffer.cells, MUTEX, 424242); // held by a thread that is now gone
      buffer.threadGone(424242);
      expect(buffer.count).toBe(8 - taken);
      expect(recordsOf(buffer.tryTake(100) as Uint8Array)).toEqual(range(taken, 8));
    }
  });

  it.skipIf(endIsFinal)("on Deno, a thread's reported end frees neither the mutex nor a place it holds: the thread may still run there", () => {
    const buffer = new QueueBuffer();
    expect(buffer.tryPut(new Uint8Array([1]), false)).toBe("ok");
    Atomics.store(buffer.cells, MUTEX, 424242);
    for (let slot = PINS; slot < CONTROL_CELLS; slot += 3) Atomics.store(buffer.cells, slot, 424242);
    buffer.threadGone(424242);
    expect(Atomics.load(buffer.cells, MUTEX)).toBe(424242);
    expect(pinHolders(buffer.cells).every((holder) => holder === 424242)).toBe(true);
    expect(buffer.tryGet()).toBe("busy");
    Atomics.store(buffer.cells, MUTEX, 0); // the thread leaves its critical section
    expect(buffer.tryGet()).toEqual(new Uint8Array([1]));
  });

  it("a large item is taken as its parts, each attachment in a buffer of its own; a batch stops before one", () => {
    const buffer = new QueueBuffer();
    const big = new Uint8Array(LARGE_ITEM * 2).fill(3);
    for (const item of [1, 2, big, 4]) expect(buffer.tryPut(encodeToBytes(item), false)).toBe("ok");
    const smalls = buffer.tryTake(10);
    expect(smalls).toBeInstanceOf(Uint8Array);
    expect(buffer.count).toBe(2);
    const parts = buffer.tryTake(10) as MessageParts;
    expect(parts).not.toBeInstanceOf(Uint8Array);
    expect(parts.bins).toHaveLength(1);
    expect(parts.bins[0]!.buffer.byteLength).toBe(big.length);
    const back = decodeFromParts(parts) as Uint8Array;
    expect(back).toEqual(big);
    // The decoded array owns its buffer, as a structured clone's does.
    expect(back.byteOffset).toBe(0);
    expect(back.buffer.byteLength).toBe(big.length);
    expect(buffer.tryGet()).toEqual(encodeToBytes(4));
    expect(buffer.tryPut(encodeToBytes({ a: big, b: [big, "x"] }), false)).toBe("ok");
    expect(decodeFromParts(buffer.tryGet() as MessageParts)).toEqual({ a: big, b: [big, "x"] });
  });

  it("keeps every record, and so every item, at a multiple of 8 in the shared buffer, and gives the items back intact", () => {
    const buffer = new QueueBuffer();
    const items = Array.from({ length: 17 }, (_, n) => new Uint8Array(n).fill(n + 1));
    for (const item of items) {
      expect(buffer.tryPut(item, false)).toBe("ok");
      expect(Atomics.load(buffer.cells, WRITE) % 8).toBe(0);
    }
    const view = new DataView(buffer.data);
    let at = Atomics.load(buffer.cells, READ);
    for (const item of items) {
      expect(at % 8).toBe(0);
      expect(view.getUint32(at)).toBe(item.length);
      expect(new Uint8Array(buffer.data, at + RECORD_HEADER, item.length)).toEqual(item);
      at += recordBytes(item.length);
    }
    expect(at).toBe(Atomics.load(buffer.cells, WRITE));
    expect(buffer.tryGet()).toEqual(items[0]);
    expect(recordsOf(buffer.tryTake(100) as Uint8Array)).toEqual(items.slice(1).map((item) => item[0]));
  });

  it("a large record that is not a well-formed message is still consumed, as bytes (decoding them reports the error)", () => {
    const buffer = new QueueBuffer();
    const junk = new Uint8Array(LARGE_ITEM + 1).fill(0xee);
    buffer.tryPut(junk, false);
    buffer.tryPut(junk, false);
    expect(buffer.tryGet()).toEqual(junk);
    const records = buffer.tryTake(5) as Uint8Array;
    expect(records).toBeInstanceOf(Uint8Array);
    expect(records.length).toBe(recordBytes(junk.length));
    expect(buffer.count).toBe(0);
  });

  it("a buffer grown through one thread's QueueBuffer is read and written whole through another's", () => {
    // Two threads each hold a QueueBuffer over the same memory; each has its own views of it.
    const mine = new QueueBuffer();
    const theirs = new QueueBuffer(mine.control, mine.data);
    const size = mine.data.byteLength;
    const items = Array.from({ length: 40 }, (_, n) => new Uint8Array(size / 16 + n).fill(n + 1));
    // `theirs` grows the buffer (several times) while `mine` has made its views already.
    expect(mine.tryPut(new Uint8Array([7]), false)).toBe("ok");
    for (const item of items) expect(theirs.tryPut(item, false)).toBe("ok");
    expect(mine.data.byteLength).toBeGreaterThan(size * 2);
    expect(mine.tryGet()).toEqual(new Uint8Array([7]));
    for (const item of items.slice(0, 20)) expect(mine.tryGet()).toEqual(item);
    // And back: `mine` writes past the end its views had, `theirs` reads it.
    const last = new Uint8Array(mine.data.byteLength).fill(9);
    expect(mine.tryPut(last, false)).toBe("ok");
    expect(recordsOf(theirs.tryTake(100) as Uint8Array)).toEqual(items.slice(20).map((item) => item[0]));
    expect(theirs.tryGet()).toEqual(last);
    expect(mine.tryGet()).toBe("empty");
  });

  it("tryUnget makes room in front when there is none, growing the buffer if needed", () => {
    const buffer = new QueueBuffer();
    const big = new Uint8Array(40_000).fill(5);
    expect(buffer.tryPut(big, false)).toBe("ok");
    expect(buffer.tryPut(new Uint8Array([6]), false)).toBe("ok");
    // Nothing was read: no room in front of the first record.
    const back = [new Uint8Array(30_000).fill(1), new Uint8Array([2])];
    expect(buffer.tryUnget(back)).toBe("ok");
    expect(buffer.count).toBe(4);
    expect(buffer.tryGet()).toEqual(back[0]);
    expect(buffer.tryGet()).toEqual(back[1]);
    expect(buffer.tryGet()).toEqual(big);
    expect(buffer.tryGet()).toEqual(new Uint8Array([6]));
    expect(buffer.tryGet()).toBe("empty");
  });
});

describe.each(contexts)("Queue across the %s context", (context) => {
  it("with spinning before parking turned off, gets on both sides park and are woken by every put", async () => {
    const q = new Queue<[number, number]>();
    const back = new Queue<number>();
    // The flag lives in the queue's control memory (a protected member), where every thread reads it.
    const control = new Int32Array((q as unknown as { sharedBuffer: SharedArrayBuffer }).sharedBuffer);
    setSpinBeforePark(q, false);
    setSpinBeforePark(back, false);
    expect(control[NO_SPIN]).toBe(1);
    const p = new Process({ target: echo, args: [q, back], context });
    p.start();
    // One item at a time: each get finds the queue empty, so it parks and must be woken.
    for (let i = 0; i < 200; i++) {
      await q.put([i, i * i]);
      expect(await back.get()).toEqual([i, i * i]);
    }
    await q.close();
    await p.join();
    expect(p.exitCode).toBe(0);
    setSpinBeforePark(q, true);
    expect(control[NO_SPIN]).toBe(0);
  });

  it("a consumer that took items fast and exits leaves the rest, in order", async () => {
    const q = new Queue<number>();
    for (let i = 0; i < 2000; i++) await q.put(i);
    const out = new Queue<unknown[]>();
    const p = new Process({ target: consume, args: [q, 300, out], context });
    p.start();
    expect(await out.get()).toEqual(range(0, 300));
    await p.join();
    expect(await q.qsize()).toBe(1700);
    const rest: number[] = [];
    for (let i = 300; i < 2000; i++) rest.push(await q.getNowait());
    expect(rest).toEqual(range(300, 2000));
  });

  it("a consumer that exits right after its last get loses nothing, whatever batch was on its way (20 counts)", async () => {
    // Batches double while the consumer keeps up (1, 2, 4 … 64) and the next one is fetched half
    // way through the current one: ending at or near a batch's end leaves a batch in flight.
    const q = new Queue<number>();
    let next = 0;
    let expected = 0;
    for (const n of [...range(58, 68), ...range(186, 196)]) {
      for (let i = 0; i < 400; i++) await q.put(next++);
      const out = new Queue<unknown[]>();
      const p = new Process({ target: consume, args: [q, n, out], context });
      p.start();
      expect(await out.get()).toEqual(range(expected, expected + n));
      await p.join();
      expected += n;
      expect(await q.qsize()).toBe(next - expected);
    }
    const rest: number[] = [];
    while (rest.length < next - expected) rest.push((await q.getNowait()) as number);
    expect(rest).toEqual(range(expected, next));
  }, 60_000);

  it("a consumer that took items fast and then stops taking does not keep any: all the rest reach another consumer", async () => {
    const { q, go, p } = await consumerThatTook(300, context);
    // It is waiting on `go` now. What it received ahead goes back to the queue (within a few ms).
    const rest: number[] = [];
    for (let i = 300; i < 2000; i++) rest.push(await q.get({ timeout: 5_000 }));
    expect(rest.sort((a, b) => a - b)).toEqual(range(300, 2000));
    await go.put("go");
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it("a consumer whose give-back must wait for the queue's mutex does not exit before its items are back", async () => {
    // The give-back comes 5–10 ms after the consumer's last get: on a slow host it can be done before
    // this thread, woken by the consumer's report, holds the mutex. Then the round proves only
    // that nothing is lost, and another round is tried: one in 5 must see the give-back wait.
    let waited = false;
    for (let round = 0; round < 5 && !waited; round++) {
      const { q, go, p } = await consumerThatTook(300, context);
      // Hold the queue's mutex, as a thread in its critical section would: the consumer's
      // give-back finds it busy and waits for it. Only then is it told to exit.
      const cells = cellsOf(q);
      const release = holdMutex(cells);
      waited = await sleeperWithin(cells, MUTEX_SLEEPERS, 1_000);
      await go.put("go");
      // Without waiting for its give-back, the consumer would exit now and the items would be lost.
      await p.join(300);
      release();
      await p.join();
      expect(p.exitCode).toBe(0);
      const rest: number[] = [];
      for (let i = 300; i < 2000; i++) rest.push(await q.getNowait());
      expect(rest.sort((a, b) => a - b)).toEqual(range(300, 2000));
    }
    expect(waited).toBe(true);
  }, 30_000);

  it("large items mixed with small ones: a consumer that takes some and stops leaves the rest, each once and whole", async () => {
    const q = new Queue<unknown>();
    for (let i = 0; i < 300; i++) await q.put(mixedItem(i));
    const out = new Queue<unknown[]>();
    const go = new Queue<string>();
    const p = new Process({ target: takeThenWait, args: [q, 100, out, go], context });
    p.start();
    const taken = (await out.get()).map(indexOfMixed);
    expect(taken).toEqual(range(0, 100));
    // What it received ahead, large items included, goes back to the queue.
    const rest: number[] = [];
    for (let i = 100; i < 300; i++) rest.push(indexOfMixed(await q.get({ timeout: 5_000 })));
    expect(rest.sort((a, b) => a - b)).toEqual(range(100, 300));
    await go.put("go");
    await p.join();
    expect(p.exitCode).toBe(0);
  }, 30_000);

  it("stress: 4 consumers taking in bursts and pausing while the parent puts 20,000 items: every item is taken exactly once or left in the queue", async () => {
    const q = new Queue<number>();
    const out = new Queue<number[]>();
    // Bursts of varied sizes (1 to 700), with pauses of 0 to 12 ms: batches given back on time,
    // late, or while a fetch of the next batch is under way.
    const plans = [
      { bursts: [700, 1, 300, 64, 500, 35], pause: 7 },
      { bursts: [1, 2, 3, 500, 200, 900], pause: 0 },
      { bursts: [129, 129, 129, 129, 129, 955], pause: 12 },
      { bursts: [1000, 600, 10, 5, 985], pause: 3 },
    ];
    const consumers = plans.map(({ bursts, pause }) => new Process({ target: consumeInBursts, args: [q, bursts, pause, out], context }));
    consumers.forEach((c) => c.start());
    for (let i = 0; i < 20_000; i++) await q.put(i);
    const taken: number[] = [];
    for (let k = 0; k < consumers.length; k++) taken.push(...(await out.get()));
    for (const c of consumers) await c.join();
    expect(taken).toHaveLength(plans.reduce((n, p) => n + p.bursts.reduce((a, b) => a + b, 0), 0));
    const left: number[] = [];
    while (left.length + taken.length < 20_000) left.push(await q.getNowait());
    await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
    expect([...taken, ...left].sort((a, b) => a - b)).toEqual(range(0, 20_000));
  }, 60_000);

  it("a put on a queue closed elsewhere fails: at once in the thread context; in the process context it is posted, and the next call on the queue fails", async () => {
    const q = new Queue<number>();
    await q.close();
    const results = new Queue<string>();
    const p = new Process({ target: putOnClosed, args: [q, results], context });
    p.start();
    const seen = await results.get();
    await p.join();
    if (context === "thread") {
      expect(seen).toBe("rejected: QueueClosedError; qsize: no error");
    } else {
      expect(seen).toMatch(/^resolved; qsize: QueueClosedError: an earlier put\(\) failed at the owner .*cannot put on a closed queue/);
    }
  });

  // Under `bun test` (Bun 1.4.5) only, a worker thread that calls process.exit(1) from its
  // uncaughtException handler is reported to have exited with code 0; run by `bun` itself, the
  // same program reports 1 (checked by hand). The items are checked on Bun all the same.
  const bunTestQuirk = context === "thread" && "Bun" in globalThis;
  it("a child that dies of an uncaught error after its puts: every item it put arrives", async () => {
    const q = new Queue<number>();
    const p = new Process({ target: putThenCrash, args: [q, 500], context });
    p.start();
    await p.join();
    if (!bunTestQuirk) expect(p.exitCode).toBe(1);
    const got: number[] = [];
    for (let i = 0; i < 500; i++) got.push(await q.getNowait());
    expect(got).toEqual(range(0, 500));
  });

  // process.exit() ends a child at once (Python's os._exit): its last posted puts are written
  // to the socket in the exit handler, where a write the socket takes at once completes (on
  // every runtime; a large last item may not: documented on Process). Meanwhile the queue's
  // owner acknowledges the first puts: that write to a child that has gone must not make it drop
  // what the child sent (see "split in two sockets" in core's socket tests).
  it("stress: a child that calls process.exit() right after 300 puts, 5 rounds: every item it put arrives", async () => {
    for (let round = 0; round < 5; round++) {
      const q = new Queue<number>();
      const p = new Process({ target: putThenExit, args: [q, 300], context });
      p.start();
      await p.join();
      expect(p.exitCode).toBe(5);
      const got: number[] = [];
      for (let i = 0; i < 300; i++) got.push(await q.get({ timeout: 5_000 }));
      expect(got).toEqual(range(0, 300));
      await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
    }
  }, 60_000);

  it("a put after close() in the same child fails at once", async () => {
    const q = new Queue<number>();
    const results = new Queue<string>();
    const p = new Process({ target: closeThenPut, args: [q, results], context });
    p.start();
    expect(await results.get()).toBe("QueueClosedError: cannot put on a closed queue");
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it("a posted put that failed and was never reported makes the child exit with code 1", async () => {
    const q = new Queue<number>();
    await q.close();
    const p = new Process({ target: putOnClosedAndLeave, args: [q], context });
    p.start();
    await p.join();
    // The thread context's put rejected at once (and the task caught it); the process context's
    // was posted, failed at the owner, and is reported at exit (stderr) with exit code 1.
    expect(p.exitCode).toBe(context === "thread" ? 0 : 1);
  });

  it("parent and child both put; order per producer is kept", async () => {
    const q = new Queue<[number, number]>();
    const p = new Process({ target: produce, args: [q, 1, 500], context });
    p.start();
    for (let i = 0; i < 500; i++) await q.put([0, i]);
    const next = [0, 0];
    for (let k = 0; k < 1000; k++) {
      const [id, i] = await q.get();
      expect(i).toBe(next[id]);
      next[id]!++;
    }
    await p.join();
    expect(next).toEqual([500, 500]);
  });

  it("2 producers × 2 consumers: every item received exactly once", async () => {
    const n = context === "thread" ? 100_000 : 20_000;
    const q = new Queue<[number, number]>({ maxsize: 1000 });
    const out = new Queue<unknown[]>();
    const producers = [1, 2].map((id) => new Process({ target: produce, args: [q, id, n / 2], context }));
    const consumers = [0, 1].map(() => new Process({ target: consume, args: [q, n / 2, out], context }));
    [...producers, ...consumers].forEach((p) => p.start());
    const all = [...((await out.get()) as [number, number][]), ...((await out.get()) as [number, number][])];
    for (const p of [...producers, ...consumers]) await p.join();
    expect(all).toHaveLength(n);
    expect(new Set(all.map(([id, i]) => `${id}:${i}`)).size).toBe(n);
  }, 120_000);

  it("stress: 2 producers × 2 consumers of items up to 1 MB, far more than 16 MiB in all (the producers are paced): every item is taken exactly once, intact", async () => {
    const rounds = 3;
    const n = context === "thread" ? 48 : 24; // per producer: ~24 or ~12 MiB
    for (let round = 0; round < rounds; round++) {
      const q = new Queue<[number, number, Uint8Array] | null>();
      const out = new Queue<{ took: string[]; wrong: string[] }>();
      const producers = [1, 2].map((id) => new Process({ target: produceLarge, args: [q, id, n], context }));
      const consumers = [0, 1].map(() => new Process({ target: consumeLarge, args: [q, out], context }));
      [...producers, ...consumers].forEach((p) => p.start());
      const reports = [await out.get(), await out.get()];
      for (const p of [...producers, ...consumers]) await p.join();
      expect([...producers, ...consumers].map((p) => p.exitCode)).toEqual([0, 0, 0, 0]);
      expect(reports.flatMap((r) => r.wrong)).toEqual([]);
      const took = reports.flatMap((r) => r.took);
      expect(took).toHaveLength(2 * n);
      expect(new Set(took).size).toBe(2 * n);
      await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
    }
  }, 180_000);

  // Deno 2.9's terminate() reports a thread's end at once, and a thread that puts without ever
  // waiting runs on (see endIsFinal): the killed producers would go on putting into the queue
  // this test then drains.
  it.skipIf(context === "thread" && !endIsFinal)("stress: children killed while they put and take large items, 6 rounds: no item arrives garbled or twice, no copy keeps its place, and the queue goes on", async () => {
    const q = new Queue<[number, number, Uint8Array] | null>();
    const seen = new Set<string>();
    const check = (item: [number, number, Uint8Array] | null): void => {
      expect(item).not.toBe(null);
      const [id, i, bytes] = item!;
      expect(seen.has(`${id}:${i}`)).toBe(false);
      seen.add(`${id}:${i}`);
      expect(bytes.length).toBe(largeItemLength(id, i));
      const fill = (id * 31 + i) & 255;
      expect(bytes.findIndex((b) => b !== fill)).toBe(-1); // the first wrong byte, if any
    };
    for (let round = 0; round < 6; round++) {
      const children = [
        new Process({ target: putLargeForever, args: [q, 2 * round + 1], context }),
        new Process({ target: putLargeForever, args: [q, 2 * round + 2], context }),
        new Process({ target: takeForever, args: [q], context }),
      ];
      children.forEach((p) => p.start());
      for (let k = 0; k < 4 + round; k++) check(await q.get({ timeout: 30_000 }));
      // Killed wherever they are: a thread may be copying an item in or out without the mutex.
      for (const p of children) p.kill();
      for (const p of children) await p.join();
    }
    // What is left, each once and whole: a record whose copy was cut is dropped, not waited for.
    for (;;) {
      const item = await q.get({ timeout: 1_000 }).catch((error: unknown) => error);
      if (item instanceof Empty) break;
      check(item as [number, number, Uint8Array]);
    }
    expect(await q.qsize()).toBe(0);
    const cells = cellsOf(q);
    expect(pinHolders(cells)).toEqual(pinHolders(cells).map(() => 0));
    // The queue goes on: 40 items of up to 1 MB (far more than 16 MiB) from a new producer, in order.
    const producer = new Process({ target: produceLarge, args: [q, 99, 40], context });
    producer.start();
    for (let i = 0; i < 40; i++) {
      const item = await q.get({ timeout: 30_000 });
      expect(item?.[1]).toBe(i);
      check(item);
    }
    expect(await q.get({ timeout: 30_000 })).toBe(null);
    await producer.join();
    expect(producer.exitCode).toBe(0);
  }, 180_000);

  it("stress: 3 producers put items of 1 B to 70 KB while the parent takes them: the buffer grows under threads that read it, and every item arrives once, intact", async () => {
    const n = context === "thread" ? 1500 : 400;
    const q = new Queue<[number, number, Uint8Array]>();
    const producers = [1, 2, 3].map((id) => new Process({ target: produceSized, args: [q, id, n], context }));
    producers.forEach((p) => p.start());
    const next = new Map([1, 2, 3].map((id) => [id, 0]));
    for (let k = 0; k < 3 * n; k++) {
      const [id, i, bytes] = await q.get();
      // Order per producer, and the bytes: length and every byte.
      expect(i).toBe(next.get(id));
      next.set(id, i + 1);
      expect(bytes.length).toBe(sizedItemLength(id, i));
      const fill = (id * 31 + i) & 255;
      expect(bytes.findIndex((b) => b !== fill)).toBe(-1); // the first wrong byte, if any
    }
    for (const p of producers) await p.join();
    expect(producers.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    await expect(q.getNowait()).rejects.toBeInstanceOf(Empty);
  }, 120_000);

  it("a producer 256 MiB ahead of its consumer waits for room, and every item arrives, in order", async () => {
    const n = 360; // 270 items of 1 MiB: more than a queue holds
    // How many of the first items fit in a queue nobody takes from.
    let fit = 0;
    for (let bytes = 0; (bytes += recordBytes(encodeToBytes(farAheadItem(fit)).length)) <= MAX_BYTES; ) fit++;
    expect(fit).toBeLessThan(n);
    const q = new Queue<[number, Uint8Array]>();
    const p = new Process({ target: produceFarAhead, args: [q, n], context });
    p.start();
    // Polls a condition (not a timing): the producer has filled the queue and waits.
    while ((await q.qsize()) < fit) await new Promise((r) => setTimeout(r, 10));
    expect(await q.qsize()).toBe(fit);
    expect(p.isAlive()).toBe(true);
    await takeFarAhead(q, n, p);
  }, 120_000);

  it("a producer far ahead of its consumer is paced: its put waits once 16 MiB are unread, the consumer's gets let it go on, and every item arrives in order", async () => {
    const n = 100; // 75 items of 1 MiB
    const q = new Queue<[number, Uint8Array]>();
    const p = new Process({ target: produceFarAhead, args: [q, n], context });
    p.start();
    // Without pacing, the producer would not wait before the queue held 256 MiB.
    await untilWaiting(cellsOf(q), NOT_FULL_WAITERS);
    expect(await q.qsize()).toBeLessThan(n);
    await takeFarAhead(q, n, p);
  }, 120_000);

  it("a child may exit right after put() without awaiting it: nothing is lost", async () => {
    const q = new Queue<number>();
    const p = new Process({ target: produceAndLeave, args: [q, 200], context });
    p.start();
    await p.join();
    expect(p.exitCode).toBe(0);
    const got: number[] = [];
    for (let i = 0; i < 200; i++) got.push(await q.get({ timeout: 5_000 }));
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("a child may exit right after puts that must wait for the queue's mutex: it waits for them, and nothing is lost", async () => {
    const q = new Queue<number>();
    // Held as a thread in its critical section would hold it: every put of the child must wait.
    const cells = cellsOf(q);
    const release = holdMutex(cells);
    const p = new Process({ target: produceAndLeave, args: [q, 5], context });
    p.start();
    // The first of them is waiting (here at the owner for a child in another process).
    await untilWaiting(cells, MUTEX_SLEEPERS);
    // Without waiting for its puts, the child would exit now and the items would be lost.
    await p.join(300);
    release();
    await p.join();
    expect(p.exitCode).toBe(0);
    const got: number[] = [];
    for (let i = 0; i < 5; i++) got.push(await q.getNowait());
    expect(got).toEqual(range(0, 5));
  });

  it("a child may exit right after puts that wait for room in a bounded queue: it waits until they are in", async () => {
    const q = new Queue<number>({ maxsize: 2 });
    const p = new Process({ target: produceAndLeave, args: [q, 6], context });
    p.start();
    // Two are in; the third is waiting for room (here at the owner for a child in another process).
    await untilWaiting(cellsOf(q), NOT_FULL_WAITERS);
    // Without waiting for its puts, the child would exit now and four items would be lost. It
    // waits, as long as no item is taken.
    await p.join(300);
    expect(p.isAlive()).toBe(true);
    const got: number[] = [];
    for (let i = 0; i < 6; i++) got.push(await q.get({ timeout: 5_000 }));
    expect(got).toEqual(range(0, 6));
    await p.join();
    expect(p.exitCode).toBe(0);
  });

  it("items round-trip through a child intact, including 16 MiB", async () => {
    const inbox = new Queue<unknown>();
    const outbox = new Queue<unknown>();
    const p = new Process({ target: echo, args: [inbox, outbox], context });
    p.start();
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 997) big[i] = i % 251;
    const items = [{ a: [1, 2n, new Map([["k", new Set([1])]])] }, "", null];
    for (const item of [...items, big]) await inbox.put(item);
    for (const item of items) expect(await outbox.get()).toEqual(item);
    // Compared as bytes: a deep-equality walk over 16 M elements would dominate the test.
    const back = (await outbox.get()) as Uint8Array;
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back).equals(Buffer.from(big))).toBe(true);
    await inbox.close();
    await p.join();
    expect(p.exitCode).toBe(0);
  }, 60_000);

  // Deno 2.9.6: terminate() of a worker thread that never yields to its event loop (this child's
  // loop of puts only awaits settled promises) reports the exit at once but lets the thread run on
  // for hundreds of milliseconds, still putting: measured with a queue whose size kept growing 300 ms
  // after join(). A "killed" child that still writes cannot be tested for what its death leaves
  // behind. Same cause as the semaphore test skipped on Deno's thread context.
  it.skipIf(context === "thread" && "Deno" in globalThis)("a child killed while it puts in a tight loop never leaves the queue stuck: 30 kills", async () => {
    const q = new Queue<number>();
    for (let round = 0; round < 30; round++) {
      const p = new Process({ target: putForever, args: [q], context });
      p.start();
      await q.get(); // it is putting
      p.kill();
      await p.join();
      // A kill inside the queue's critical section must not leave it locked.
      await q.put(-1);
      let last: number | undefined;
      while (last !== -1) last = await q.get();
    }
  }, 120_000);

  it("a child killed mid-put leaves the queue usable", async () => {
    const q = new Queue<Uint8Array>();
    const ready = new Queue<string>();
    const p = new Process({ target: putThenHang, args: [q, ready], context });
    p.start();
    expect(await ready.get()).toBe("put done");
    p.kill();
    await p.join();
    const first = await q.get();
    expect(first.length).toBe(4 * 1024 * 1024);
    expect(first.every((b) => b === 7)).toBe(true);
    // The second put was cut off or completed whole: never a corrupted item.
    const rest = await q.get({ timeout: 500 }).catch((e: unknown) => e);
    if (rest instanceof Uint8Array) expect(rest.length === 64 * 1024 * 1024 && rest.every((b) => b === 9)).toBe(true);
    else expect(rest).toBeInstanceOf(Empty);
    await q.put(new Uint8Array([1]));
    expect(await q.get()).toEqual(new Uint8Array([1]));
  }, 60_000);

  it("JoinableQueue with four workers: join() returns when every item is done", async () => {
    const jobs = new JoinableQueue<number>();
    const out = new Queue<number>();
    const workers = Array.from({ length: 4 }, () => new Process({ target: joinWorker, args: [jobs, out], context, daemon: true }));
    workers.forEach((w) => w.start());
    for (let i = 1; i <= 40; i++) await jobs.put(i);
    await jobs.join();
    expect(await out.qsize()).toBe(40);
    const squares: number[] = [];
    for (let i = 0; i < 40; i++) squares.push(await out.get());
    expect(squares.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => (i + 1) ** 2));
    workers.forEach((w) => w.terminate());
    for (const w of workers) await w.join();
  });
});
