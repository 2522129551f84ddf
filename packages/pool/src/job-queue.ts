/**
 * A first-in first-out queue of pending jobs that stays O(1) per operation at any length (an
 * array's `shift()` copies the array once it is large), and can take a job out of its middle
 * (a cancelled call) or put jobs back at its front (jobs a lost worker never started).
 *
 * @internal
 * @module
 */

/** A FIFO queue over an array with a moving head. */
export class JobQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  #size = 0;

  /** How many items are queued. */
  get length(): number {
    return this.#size;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    this.#items.push(item);
    this.#size++;
  }

  /** The item at the front, without taking it. */
  peek(): T | undefined {
    this.#skipHoles();
    return this.#items[this.#head];
  }

  /** Takes the item at the front. */
  shift(): T | undefined {
    this.#skipHoles();
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    this.#size--;
    this.#compact();
    return item;
  }

  /** Puts items back at the front, in the order given. */
  unshiftAll(items: readonly T[]): void {
    if (items.length === 0) return;
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
    this.#size += items.length;
  }

  /** Takes `item` out wherever it is; false if it is not queued. */
  remove(item: T): boolean {
    const at = this.#items.indexOf(item, this.#head);
    if (at < 0) return false;
    this.#items[at] = undefined;
    this.#size--;
    return true;
  }

  /** Takes every item, in order. */
  drain(): T[] {
    const all = this.#items.slice(this.#head).filter((x): x is T => x !== undefined);
    this.#items = [];
    this.#head = 0;
    this.#size = 0;
    return all;
  }

  #skipHoles(): void {
    while (this.#head < this.#items.length && this.#items[this.#head] === undefined) this.#head++;
  }

  /** Drops the consumed prefix once it is most of the array. */
  #compact(): void {
    if (this.#size === 0) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
