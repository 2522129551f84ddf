/**
 * Exercise 5: who am I? — the reference solution.
 */
import { type ContextName, Process, currentProcess, parentProcess, task } from "@multiproc/core";
import { Queue } from "@multiproc/ipc";

/** Who a process is, as seen by the process itself. */
export interface Identity {
  /** `MainProcess`, `Process-1`, or the name the parent gave. */
  name: string;
  /** The OS process id: shared by the worker threads of one process. */
  pid: number;
  /** 0 on a process's main thread; a worker thread's own id otherwise. */
  threadId: number;
  /** The parent's name, or null in the program you started. */
  parentName: string | null;
  /** The parent's pid, or null in the program you started. */
  parentPid: number | null;
}

// ── 1. Who am I? ────────────────────────────────────────────────────────────────────────────

/** The identity of whoever calls it. */
export function whoAmI(): Identity {
  const me = currentProcess();
  const parent = parentProcess();
  return {
    name: me.name,
    pid: me.pid ?? process.pid,
    threadId: me.threadId ?? 0,
    parentName: parent?.name ?? null,
    parentPid: parent?.pid ?? null,
  };
}

// ── 2. Ask a child ──────────────────────────────────────────────────────────────────────────

/** Puts the identity of the process that runs it on `out`. */
export const reportIdentity = task(import.meta, async function reportIdentity(out: Queue<Identity>): Promise<void> {
  await out.put(whoAmI());
});

/** Starts a child called `name` in `context`, and returns the identity the child reports. */
export async function identityOfChild(name: string, context: ContextName): Promise<Identity> {
  const out = new Queue<Identity>();
  const child = new Process({ target: reportIdentity, args: [out], name, context });
  child.start();
  const identity = await out.get();
  await child.join();
  return identity;
}

// ── 3. Three generations ────────────────────────────────────────────────────────────────────

/** Puts its own identity on `out`, then runs `reportIdentity(out)` in a child of its own. */
export const reportFamily = task(import.meta, async function reportFamily(out: Queue<Identity>, context: ContextName): Promise<void> {
  await out.put(whoAmI());
  const grandchild = new Process({ target: reportIdentity, args: [out], context });
  grandchild.start();
  await grandchild.join();
});

/** Runs `reportFamily` in a child and returns the child's and the grandchild's identities. */
export async function familyOf(context: ContextName): Promise<{ child: Identity; grandchild: Identity }> {
  const out = new Queue<Identity>();
  const p = new Process({ target: reportFamily, args: [out, context], context });
  p.start();
  const child = await out.get();
  const grandchild = await out.get();
  await p.join();
  return { child, grandchild };
}
