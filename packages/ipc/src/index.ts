/**
 * `@multiproc/ipc`: `Queue`, `SimpleQueue`, `JoinableQueue`, `Pipe`/`Connection` and `Manager`.
 *
 * Not built yet: this package is laid out by the foundation and filled by the IPC issue.
 *
 * @module
 */
export {};
