/**
 * The receiving half of a native socket stream (see `deno-stream.ts`, `bun-stream.ts`): chunks
 * that arrive before anyone listens are kept and handed over, in order, to the first `onData`
 * callback (as a Node socket does, which stays paused until its first `data` listener); the close
 * is reported once, to callbacks registered before or after it.
 *
 * @internal
 * @module
 */

/** Chunks in, callbacks out, in order. */
export class IncomingChunks {
  readonly #listeners: Array<(chunk: Uint8Array) => void> = [];
  readonly #closeListeners: Array<(error?: Error) => void> = [];
  /** Chunks not yet delivered: before the first listener, or behind ones still queued. */
  readonly #early: Uint8Array[] = [];
  #closed = false;
  #failure: Error | undefined;
  #closeReported = false;

  /** Whether the stream has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A chunk arrived. */
  push(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#listeners.length === 0 || this.#early.length > 0) this.#early.push(chunk);
    else this.#deliver(chunk);
  }

  /**
   * Hands `chunk` to the listeners registered before it was handed over, as a Node socket's
   * `data` event does: one added meanwhile (a server that reads a handshake, then attaches the
   * connection to a channel that listens from then on) gets the chunks after it — given this one
   * too, it would read its bytes twice.
   */
  #deliver(chunk: Uint8Array): void {
    const listeners = this.#listeners;
    const count = listeners.length;
    for (let i = 0; i < count; i++) listeners[i]!(chunk);
  }

  /** Registers a data callback; chunks that came before the first one are delivered soon after. */
  onData(cb: (chunk: Uint8Array) => void): void {
    this.#listeners.push(cb);
    if (this.#listeners.length === 1 && this.#early.length > 0) queueMicrotask(() => this.#drainEarly());
  }

  /** Registers a close callback (called at once, asynchronously, if the stream has closed). */
  onClose(cb: (error?: Error) => void): void {
    this.#closeListeners.push(cb);
    if (this.#closeReported) queueMicrotask(() => cb(this.#failure));
  }

  /** The stream closed (with `error` if it failed); undelivered chunks go out first. */
  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failure = error;
    queueMicrotask(() => {
      this.#drainEarly();
      this.#closeReported = true;
      for (const cb of this.#closeListeners) cb(this.#failure);
    });
  }

  #drainEarly(): void {
    if (this.#listeners.length === 0) return;
    while (this.#early.length > 0) {
      this.#deliver(this.#early.shift()!);
    }
  }
}
