/**
 * What other multiproc packages (`@multiproc/pool`) need from `@multiproc/ipc` beyond its public
 * API. Not a public API: it may change in any release.
 *
 * @internal
 * @module
 */
export { onGivenBack, setSpinBeforePark, takeAllAhead, takeOneAtATime } from "./queue.ts";
