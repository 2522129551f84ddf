/**
 * Exercise 3, the homework: a file's size, from one process to another — the reference solution.
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
  let size = 0;
  // Read in chunks: a big file is never held in memory all at once.
  for await (const chunk of createReadStream(path)) size += (chunk as Uint8Array).byteLength;
  return size;
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
  let message: SizeMessage;
  try {
    message = { size: await fileSize(path) };
  } catch (error) {
    message = { error: error instanceof Error ? error.message : String(error) };
  }
  await conn.send(message);
  await conn.close();
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
  let line: string;
  try {
    const message = (await conn.recv()) as SizeMessage;
    line = "size" in message ? `${path}: ${message.size} bytes` : `${path}: error: ${message.error}`;
  } catch (error) {
    if (!(error instanceof EOFError)) throw error;
    line = `${path}: error: the measuring process ended without sending a size`;
  }
  await reports.put(line);
  await conn.close();
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
  const [sendingEnd, receivingEnd] = Pipe();
  const reports = new Queue<string>();
  const measurer = new Process({ target: measureFile, args: [path, sendingEnd], context });
  const reporter = new Process({ target: reportSize, args: [path, receivingEnd, reports], context });
  measurer.start();
  reporter.start();
  // Each child has its own copy of its end. Close ours: then, if the measurer ended without
  // sending, the reporter sees the end of the pipe instead of waiting for us forever.
  await sendingEnd.close();
  await receivingEnd.close();
  const report = await reports.get();
  await measurer.join();
  await reporter.join();
  return { report, measurer, reporter };
}
