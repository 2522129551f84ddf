/**
 * What this process (or worker thread) knows about itself: its name and identity, whether it is
 * daemonic, its parent, its children, and the default context. A child receives these from its
 * parent when it starts (see `child.ts`).
 *
 * @internal
 * @module
 */

/** The two contexts: how children run. */
export type ContextName = "process" | "thread";

/** What a child knows of its parent. */
export interface ParentInfo {
  /** The parent's name. */
  readonly name: string;
  /** The parent's OS pid. */
  readonly pid: number;
  /** The parent's thread id (0 for an OS process's main thread). */
  readonly threadId: number;
}

/** A child that is running: what `activeChildren()` and the exit hooks need of it. */
export interface LiveChild {
  /** Whether the child is daemonic. */
  readonly daemon: boolean;
  /** Stops the child (used at exit for daemonic children). */
  terminate(): void;
  /** Settles when the child has ended. */
  readonly exited: Promise<unknown>;
  /** The child's `Process` object. */
  readonly process: object;
}

/** The state of the current process. */
export const self = {
  /** `MainProcess`, or the name the parent gave this child. */
  name: "MainProcess",
  /** Python's `_identity`: empty for the main process, `[1]` for Process-1, `[1, 2]` for Process-1:2. */
  identity: [] as number[],
  /** How many `Process` objects this process has created (names the next one). */
  counter: 0,
  /** Whether this process is daemonic (daemonic processes may not have children). */
  daemon: false,
  /** The context this process runs in (`undefined` for the main process). */
  context: undefined as ContextName | undefined,
  /** The parent, or `null` in the main process. */
  parent: null as ParentInfo | null,
  /** The default context chosen with `setStartMethod`, inherited by children. */
  defaultContext: undefined as ContextName | undefined,
  /** Started children that have not yet been seen to exit. */
  children: new Set<LiveChild>(),
  /** Modules every child imports before it decodes its arguments (they register handle kinds). */
  preload: new Set<string>(),
  /** Run by a child after its `run()` returns, before it exits (closing what it still has open). */
  beforeExitHooks: new Set<() => unknown>(),
  /** Called with a worker thread's id when a child running in the thread context ends. */
  threadChildExitHooks: new Set<(threadId: number) => void>(),
};
