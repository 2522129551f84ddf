/**
 * Callers that go away while they wait: a process that dies while the owner performs its wait
 * (the owner keeps performing it, so the plan must notice and stop — see {@link GonePeers}), and
 * a worker thread that ends while it waits (its wait simply stops, so whatever it held in shared
 * memory must be cleaned up for it — see {@link watchThreadExits}).
 *
 * @internal
 * @module
 */
import { isSelfPeer, type Peer } from "../remote/objects.ts";
import { self } from "../process/state.ts";

/** Whether the caller is still there (false once a remote caller's process has gone). */
export type StillThere = () => boolean;

/** For callers in this thread, which cannot be gone while they run. */
export const alwaysThere: StillThere = () => true;

/**
 * The remote callers of one primitive that have gone (their process exited or was killed). The
 * owner keeps performing a gone caller's pending wait; the plan asks {@link GonePeers.stillThere}
 * and stops, so that a dead process neither takes a permit nor stays counted as a waiter.
 */
export class GonePeers {
  readonly #gone = new Set<number>();

  /** Records that `peer` has gone. */
  add(peer: Peer): void {
    if (peer.id !== 0) this.#gone.add(peer.id);
  }

  /** Whether `peer` is still there, as a function a plan can ask as it goes. */
  stillThere(peer: Peer): StillThere {
    if (isSelfPeer(peer)) return alwaysThere;
    return () => !this.#gone.has(peer.id);
  }
}

/** A primitive that cleans up after a holder (a thread's token, `threadId + 1`) that has gone. */
export interface HolderWatcher {
  /** Told that the worker thread whose holder token is `holder` has ended. */
  holderGone(holder: number): void;
}

const watched = new Set<WeakRef<HolderWatcher>>();
self.threadChildExitHooks.add((threadId) => {
  for (const ref of watched) {
    const primitive = ref.deref();
    if (primitive === undefined) watched.delete(ref);
    else primitive.holderGone(threadId + 1);
  }
});

/**
 * Tells `primitive` (whose memory is in this thread) when a worker-thread child of this thread
 * ends, so that it can clean up what that thread left inside it.
 */
export function watchThreadExits(primitive: HolderWatcher): void {
  watched.add(new WeakRef(primitive));
}
