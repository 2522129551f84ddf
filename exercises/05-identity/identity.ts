/**
 * Exercise 5: who am I? Read README.md first: each numbered part below is one of its tasks.
 * Replace every TODO, then run `npx pnpm@12.21.0 grade identity`.
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
  // TODO: fill this in from currentProcess() and parentProcess().
  void currentProcess;
  void parentProcess;
  throw new Error("TODO: whoAmI() is not written yet");
}

// ── 2. Ask a child ──────────────────────────────────────────────────────────────────────────

/** Puts the identity of the process that runs it on `out`. */
export const reportIdentity = task(import.meta, async function reportIdentity(out: Queue<Identity>): Promise<void> {
  // TODO: put whoAmI() on out.
  throw new Error(`TODO: reportIdentity(${String(out)}) is not written yet`);
});

/** Starts a child called `name` in `context`, and returns the identity the child reports. */
export async function identityOfChild(name: string, context: ContextName): Promise<Identity> {
  // TODO: a Queue, a Process running reportIdentity with that name and context; get, join, return.
  void Queue;
  void Process;
  throw new Error(`TODO: identityOfChild("${name}", "${context}") is not written yet`);
}

// ── 3. Three generations ────────────────────────────────────────────────────────────────────

/** Puts its own identity on `out`, then runs `reportIdentity(out)` in a child of its own. */
export const reportFamily = task(import.meta, async function reportFamily(out: Queue<Identity>, context: ContextName): Promise<void> {
  // TODO: put whoAmI(), then start a child (in context) running reportIdentity(out), and join it.
  throw new Error(`TODO: reportFamily(${String(out)}, "${context}") is not written yet`);
});

/** Runs `reportFamily` in a child and returns the child's and the grandchild's identities. */
export async function familyOf(context: ContextName): Promise<{ child: Identity; grandchild: Identity }> {
  // TODO: start a child running reportFamily(out, context); get two identities; join; return them.
  throw new Error(`TODO: familyOf("${context}") is not written yet`);
}
