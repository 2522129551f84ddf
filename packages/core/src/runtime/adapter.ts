/**
 * The interface every runtime adapter implements. Code outside `src/runtime/` talks to Node.js,
 * Deno and Bun only through this interface, so that runtime differences live in one place.
 *
 * @internal
 * @module
 */
import type { RuntimeName } from "./detect.ts";

/** How a child ended: an exit code, or the name of the signal that killed it. */
export interface ExitStatus {
  /** The exit code, or `null` when a signal ended the child. */
  readonly code: number | null;
  /** The signal's name (`"SIGTERM"`), or `null` when the child exited by itself. */
  readonly signal: string | null;
}

/** Something that may keep the event loop alive. */
export interface Refable {
  /** Keeps the event loop alive while this is open. */
  ref(): void;
  /** Lets the program end while this is still open. */
  unref(): void;
}

/** A bidirectional byte stream (a connected Unix socket). */
export interface ByteStream extends Refable {
  /** Writes bytes; they are queued if the peer is slow. */
  write(bytes: Uint8Array): void;
  /**
   * Settles once every byte written so far has been handed to the operating system: the peer then
   * receives it even if this process dies next. At once when nothing is queued (the usual case:
   * a write to a socket with room is made on the spot), and at once on a closed stream.
   */
  written(): Promise<void>;
  /** Calls `cb` with each chunk as it arrives (chunks split messages arbitrarily). */
  onData(cb: (chunk: Uint8Array) => void): void;
  /** Calls `cb` once when the stream is closed by either side or fails. */
  onClose(cb: (error?: Error) => void): void;
  /** Closes the stream; pending writes are flushed first, and later writes are dropped. */
  end(): void;
  /** Closes the stream at once. */
  destroy(): void;
}

/** A Unix socket server. */
export interface StreamServer extends Refable {
  /** The filesystem path clients connect to. */
  readonly path: string;
  /** Stops accepting connections and removes the socket file. */
  close(): void;
}

/** A child OS process as its parent sees it. */
export interface OsChild extends Refable {
  /** The child's pid. */
  readonly pid: number;
  /** Resolves once when the child has exited. */
  readonly exited: Promise<ExitStatus>;
  /** Sends a signal to the child; does nothing if it has exited. */
  kill(signal: "SIGTERM" | "SIGKILL"): void;
}

/** A worker thread as the thread that started it sees it. */
export interface ThreadChild extends Refable {
  /** The worker's thread id, unique within this OS process. */
  readonly threadId: number;
  /** Resolves once when the worker has ended, with its exit code. */
  readonly exited: Promise<ExitStatus>;
  /** Stops the worker as soon as possible. */
  terminate(): void;
}


/** Everything multiproc needs from a runtime. */
export interface RuntimeAdapter {
  /** The runtime's name. */
  readonly name: RuntimeName;
  /** This OS process's pid. */
  readonly pid: number;
  /** The parent OS process's pid. */
  readonly ppid: number;
  /**
   * How long (ms) a thread waiting for a shared-memory cell another thread is about to change
   * spins before it parks: waking a parked thread costs 100–250 µs on Node and Deno, so a short
   * spin halves a pool's round trip there; on Bun, parking is cheap and spinning slows it down
   * (measured with `pnpm bench apply`). Measured again on Bun 1.4.5 (sequential `Pool.apply`,
   * 10 alternating runs each): no spinning 52–58 µs a call; spinning 0.1 ms in the main thread
   * only 70, in the workers only 83, in both ~55 with one call in nine taking ~250 µs — a parked
   * thread's wake-up waits while the thread that woke it spins.
   */
  readonly spinBeforeParkMs: number;
  /**
   * Whether a worker-thread child has stopped running JavaScript once its end is reported (its
   * `exited` settles). False on Deno 2.9: `terminate()` reports the end at once, and the thread
   * runs on until it next returns to its event loop — a thread that never does runs for ever
   * (denoland/deno#35657). What cleans up after a thread that ended inside shared memory it was
   * changing (see `threadChildExitHooks`) may then run while it still changes it.
   */
  readonly threadExitIsFinal: boolean;
  /**
   * A monotonic clock in milliseconds, for the deadlines of waits within this thread (its origin
   * is the runtime's: compare its readings only with each other). `performance.now()` except on
   * Node, where a worker thread's first `performance.now()` loads Node's `perf_hooks` modules:
   * 0.7–1 ms on an idle machine, 1.5–3 ms amid a pool's first `map` (CPU profiles), in the middle
   * of whatever first waits — Node's `process.hrtime()` is there from the start.
   */
  now(): number;
  /** This thread's id: 0 on an OS process's main thread. */
  readonly threadId: number;
  /** Data the starting thread gave this worker thread, or `undefined` on a main thread. */
  readonly workerData: unknown;
  /** Whether this is a worker thread (rather than an OS process's main thread). */
  readonly isWorkerThread: boolean;
  /** The file URL of the program's entry script, or `undefined` on a worker thread. */
  entryUrl(): string | undefined;
  /** The number of CPUs this process may use. */
  cpuCount(): number;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** Writes text to standard error, synchronously where the runtime allows. */
  writeStderr(text: string): void;
  /** Ends this process (on a worker thread: this thread) with `code`. */
  exit(code: number): never;
  /** Sets the code this process (or thread) ends with when its event loop empties. */
  setExitCode(code: number): void;
  /** Calls `cb` for an error nobody caught (an uncaught exception or unhandled rejection). */
  onUncaughtError(cb: (error: unknown) => void): void;
  /** Removes an environment variable from this process. */
  unsetEnv(name: string): void;
  /** Calls `cb` synchronously, with the exit code, just before this process (or thread) exits. */
  onExit(cb: (code: number) => void): void;
  /** Calls `cb` once after `ms`, without keeping this process alive meanwhile. */
  unrefTimer(ms: number, cb: () => void): void;
  /**
   * A timer that never does anything, made unref'd: while it is ref'd, it keeps this process (or
   * thread) alive. Ref'ing and unref'ing it costs far less than making and clearing a timer.
   */
  idleTimer(): Refable;
  /** Starts `entry` as a child OS process of the same runtime, inheriting stdio. */
  spawnProcess(entry: URL, env: Record<string, string>): OsChild;
  /**
   * Starts `entry` as a worker thread with `workerData`, moving the `transfer` buffers into it.
   * `onError` receives an error the worker did not catch itself (one thrown while its modules
   * load, say); the worker then ends with code 1.
   */
  startThread(entry: URL, workerData: unknown, onError: (error: unknown) => void, transfer?: ArrayBuffer[]): ThreadChild;
  /** Sends a signal to any process by pid; returns false if there is no such process. */
  signalPid(pid: number, signal: "SIGTERM" | "SIGKILL" | 0): boolean;
  /**
   * Listens on a fresh Unix socket in the temp directory. Returns at once with the socket's path;
   * clients that connect before the socket is bound should retry (see `connect`).
   */
  listen(onConnection: (stream: ByteStream) => void): StreamServer;
  /** Connects to a Unix socket, retrying for up to `patienceMs` while it does not exist yet. */
  connect(path: string, patienceMs?: number): Promise<ByteStream>;
  /** The signal number for a signal name (`"SIGTERM"` → 15). */
  signalNumber(signal: string): number;
}
