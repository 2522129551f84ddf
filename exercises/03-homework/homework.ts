/**
 * Exercise 3, the homework: a file's size, from one process to another. Read README.md first:
 * each numbered part below is one of its tasks. Replace every TODO, then run
 * `npx pnpm@12.21.0 grade homework`.
 */
import { createReadStream } from "node:fs";
import { type ContextName, Process, task } from "@multiproc/core";
import { type Connection, EOFError, Pipe, Queue } from "@multiproc/ipc";

/**
 * What the measuring process sends to the reporting process: the size, or what went wrong.
 *
 * @example
 * ```ts
 * const ok: SizeMessage = { size: 13 };
 * const failed: SizeMessage = { error: "ENOENT: no such file or directory, open 'missing.txt'" };
 * ```
 */
export type SizeMessage = { size: number } | { error: string };

// ── 1. Count the bytes ──────────────────────────────────────────────────────────────────────

/**
 * Reads the file at `path` and resolves with its size in bytes; rejects if it cannot be read.
 *
 * @example
 * ```ts
 * await fileSize("hello.txt"); // 13 for "hello, world\n"
 * ```
 */
export async function fileSize(path: string): Promise<number> {
  // TODO: read the file and count its bytes (not its characters). createReadStream(path) gives
  // the file in chunks: `for await (const chunk of createReadStream(path))`.
  throw new Error("TODO: fileSize() is not written yet");
}

// ── 2. The measuring process ────────────────────────────────────────────────────────────────

/**
 * A task: measures the file at `path` and sends one {@link SizeMessage} on `conn` — the size,
 * or the error's message if the file cannot be read — then closes `conn`.
 *
 * @example
 * ```ts
 * const [mine, theirs] = Pipe();
 * new Process({ target: measureFile, args: ["hello.txt", theirs], context: "process" }).start();
 * await mine.recv(); // { size: 13 }
 * ```
 */
export const measureFile = task(import.meta, async function measureFile(path: string, conn: Connection): Promise<void> {
  // TODO: send { size } — or { error: <the error's message> } if fileSize fails — on conn,
  // then close conn.
  throw new Error(`TODO: measureFile(${JSON.stringify(path)}, conn) is not written yet`);
});

// ── 3. The reporting process ────────────────────────────────────────────────────────────────

/**
 * A task: receives one {@link SizeMessage} on `conn` and puts one line on `reports`:
 * `"<path>: <size> bytes"`, `"<path>: error: <error>"`, or, if the other end closed without
 * sending anything, `"<path>: error: …"` saying so. Then closes `conn`.
 *
 * @example
 * ```ts
 * const reports = new Queue<string>();
 * new Process({ target: reportSize, args: ["hello.txt", theirs, reports], context: "process" }).start();
 * await mine.send({ size: 13 });
 * await reports.get(); // "hello.txt: 13 bytes"
 * ```
 */
export const reportSize = task(import.meta, async function reportSize(path: string, conn: Connection, reports: Queue<string>): Promise<void> {
  // TODO: receive one message on conn (it throws EOFError if the other end closed without
  // sending); put the report line on `reports`; close conn.
  throw new Error(`TODO: reportSize(${JSON.stringify(path)}, conn, reports) is not written yet`);
});

// ── 4. Put it together ──────────────────────────────────────────────────────────────────────

/**
 * What {@link measure} returns: the report, and the two children (ended) that made it.
 *
 * @example
 * ```ts
 * const { report, measurer, reporter }: Measurement = await measure("hello.txt", "process");
 * ```
 */
export interface Measurement {
  report: string;
  measurer: Process<[string, Connection]>;
  reporter: Process<[string, Connection, Queue<string>]>;
}

/**
 * Measures the file at `path` in one child and reports its size from another, both in
 * `context`, connected by a pipe; returns the report line the reporter put on a queue, once both
 * children have ended.
 *
 * @example
 * ```ts
 * (await measure("hello.txt", "thread")).report; // "hello.txt: 13 bytes"
 * ```
 */
export async function measure(path: string, context: ContextName): Promise<Measurement> {
  // TODO: make a Pipe and a Queue<string>; start a child running measureFile with one end of the
  // pipe and a child running reportSize with the other end and the queue; close your own copies
  // of both ends; get the report from the queue; join both children; return them with the report.
  throw new Error(`TODO: measure(${JSON.stringify(path)}, "${context}") is not written yet`);
}
