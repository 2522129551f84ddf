/**
 * The workload registry: every workload `pnpm bench` knows, in the order they run. To add one,
 * write `bench/workloads/<name>.ts` exporting `defineWorkload({...})` and list it here; to add a
 * system to a workload, add one `jsSystem(...)`/`onRuntimes(...)` line to its file.
 *
 * @module
 */
import type { Workload } from "../src/types.ts";
import applyLatency from "./apply-latency.ts";
import cpuSpeedup from "./cpu-speedup.ts";
import lockCounter from "./lock-counter.ts";
import poolMap from "./pool-map.ts";
import { queueLarge, queueSmall } from "./queue-throughput.ts";
import spawnJoin from "./spawn-join.ts";

/**
 * All workloads, in run order.
 *
 * @example
 * ```ts
 * import { workloads } from "./workloads/index.ts";
 * for (const w of workloads) console.log(w.name, "—", w.description);
 * ```
 */
export const workloads: readonly Workload[] = [
  spawnJoin,
  poolMap,
  applyLatency,
  cpuSpeedup,
  lockCounter,
  queueSmall,
  queueLarge,
];
