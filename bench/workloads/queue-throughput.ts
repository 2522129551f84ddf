import type { Unit, Workload, WorkloadParams } from "../src/types.ts";
import { defineWorkload, onRuntimes, pythonSystem } from "../src/workload.ts";

/**
 * The queue-throughput systems, the same for small and large messages: a producer child sends to
 * a consumer child. Python's Queue and Pipe connect two processes; the JavaScript baselines are a
 * MessageChannel between two worker threads, and child-process IPC with advanced serialization,
 * either relayed by the parent (as a parent-side broker would) or direct (the producer forks
 * the consumer); multiproc's `Queue` and one-way `Pipe`, in both contexts.
 */
function queueWorkload(name: string, description: string, unit: Unit, params: WorkloadParams): Workload {
  return defineWorkload({
    name,
    description,
    unit,
    reference: "multiprocessing Queue",
    params,
    systems: [
      pythonSystem("multiprocessing Queue", "queue_throughput.py", { args: ["queue"] }),
      pythonSystem("multiprocessing Pipe", "queue_throughput.py", { args: ["pipe"] }),
      ...onRuntimes("MessageChannel between 2 worker threads", "queue-throughput.ts", { args: ["message-channel"] }),
      ...onRuntimes("fork IPC (advanced), relayed by the parent", "queue-throughput.ts", { args: ["fork-relay"] }),
      ...onRuntimes("fork IPC (advanced), producer forks consumer", "queue-throughput.ts", { args: ["fork-direct"] }),
      ...onRuntimes("multiproc Queue, thread context", "multiproc-queue-throughput.ts", { args: ["queue-thread"] }),
      ...onRuntimes("multiproc Pipe, thread context", "multiproc-queue-throughput.ts", { args: ["pipe-thread"] }),
      ...onRuntimes("multiproc Queue, process context", "multiproc-queue-throughput.ts", { args: ["queue-process"] }),
      ...onRuntimes("multiproc Pipe, process context", "multiproc-queue-throughput.ts", { args: ["pipe-process"] }),
    ],
  });
}

/**
 * queue-throughput-small: 100,000 small messages (the numbers 0…99,999) from a producer child to a
 * consumer child.
 *
 * @example
 * ```ts
 * import { queueSmall } from "./queue-throughput.ts";
 * console.log(queueSmall.unit.label); // "msgs/s"
 * ```
 */
export const queueSmall: Workload = queueWorkload(
  "queue-throughput-small",
  "100,000 small messages from a producer child to a consumer child",
  { label: "msgs/s", higherIsBetter: true },
  { full: { messages: 100_000, size: 0 }, quick: { messages: 500, size: 0 } },
);

/**
 * queue-throughput-large: 200 messages of 1 MiB each (copied, not transferred) from a producer
 * child to a consumer child.
 *
 * @example
 * ```ts
 * import { queueLarge } from "./queue-throughput.ts";
 * console.log(queueLarge.unit.label); // "MiB/s"
 * ```
 */
export const queueLarge: Workload = queueWorkload(
  "queue-throughput-large",
  "200 × 1 MiB messages (copied) from a producer child to a consumer child",
  { label: "MiB/s", higherIsBetter: true },
  { full: { messages: 200, size: 2 ** 20 }, quick: { messages: 4, size: 2 ** 20 } },
);
