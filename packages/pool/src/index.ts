/**
 * `@multiproc/pool`: `Pool` and `AsyncResult`.
 *
 * Not built yet: this package is laid out by the foundation and filled by the Pool issue.
 *
 * @module
 */
export {};
