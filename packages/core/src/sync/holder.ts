/**
 * Who holds a lock, as a number stored in its shared memory. A thread of this OS process holds it
 * as `threadId + 1`; a process that uses the lock through its owner (see `remote/objects.ts`) holds
 * it as a negative number made of the serving thread's id and the peer's id.
 *
 * @internal
 * @module
 */
import { adapter } from "../runtime/index.ts";
import { isSelfPeer, type Peer } from "../remote/objects.ts";

/** The token of the calling thread. */
export function localHolder(): number {
  return adapter.threadId + 1;
}

/** The token of a remote peer served by this thread (peer 0 is this thread itself). */
export function holderOf(peer: Peer): number {
  if (isSelfPeer(peer)) return localHolder();
  return -((adapter.threadId + 1) * 65_536 + (peer.id % 65_536));
}

/** The thread id a local holder token stands for, or undefined for a remote holder. */
export function threadOfHolder(holder: number): number | undefined {
  return holder > 0 ? holder - 1 : undefined;
}
