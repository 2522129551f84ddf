// The spawn-join workload's multiproc child for the package as published to npm: the same no-op
// task as multiproc-noop.ts, made with the built @multiproc/core (`pnpm build` first). Plain
// JavaScript that imports the package statically, as a user's module does, so that its rows
// compare like with like: the raw rows' no-op child (noop.js) is plain JavaScript too. A
// TypeScript module could not import the bundle statically without the build for its types.
import { task } from "../../../../packages/core/dist/index.js";

export const noop = task(import.meta, function noop() {});
