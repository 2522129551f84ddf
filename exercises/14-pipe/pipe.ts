/**
 * Exercise 14: pipes. Read README.md first: each numbered part below is one of its tasks.
 * Replace every TODO, then run `npx pnpm@12.21.0 grade pipe`.
 */
import { type ContextName, Process, task } from "@multiproc/core";
import { type Connection, EOFError, Pipe } from "@multiproc/ipc";

// ── 1. A one-way pipe ───────────────────────────────────────────────────────────────────────

/**
 * A task: sends each of `words` on `conn`, in order, then closes `conn`.
 *
 * @example
 * ```ts
 * const [reader, writer] = Pipe({ duplex: false });
 * await sendWords(writer, ["a", "b"]);
 * await reader.recv(); // "a"
 * ```
 */
export const sendWords = task(import.meta, async function sendWords(conn: Connection, words: string[]): Promise<void> {
  // TODO: send each word on conn, in order; then close conn.
  throw new Error(`TODO: sendWords(conn, ${JSON.stringify(words)}) is not written yet`);
});

/**
 * Yields every message received on `conn`, in order, and ends when the pipe ends (when `recv()`
 * throws `EOFError`). Any other error is thrown as it is.
 *
 * @example
 * ```ts
 * for await (const message of messages(reader)) console.log(message);
 * ```
 */
export async function* messages(conn: Connection): AsyncGenerator<unknown, void, undefined> {
  // TODO: loop: recv() a message and yield it; when recv() throws EOFError, return; rethrow any
  // other error.
  throw new Error(`TODO: messages(conn) is not written yet`);
}

/**
 * Runs {@link sendWords} in a child in `context`, on the sending end of a one-way pipe, and
 * returns every word the child sent, read with {@link messages}.
 *
 * @example
 * ```ts
 * await wordsThroughPipe(["send", "and", "receive"], "process"); // ["send", "and", "receive"]
 * ```
 */
export async function wordsThroughPipe(words: string[], context: ContextName): Promise<string[]> {
  // TODO: a one-way Pipe; a child running sendWords(writer, words); close your copy of writer;
  // read every message with messages(reader); close reader; join; return the words.
  throw new Error(`TODO: wordsThroughPipe(${JSON.stringify(words)}, "${context}") is not written yet`);
}

// ── 2. A conversation ───────────────────────────────────────────────────────────────────────

/**
 * A task: for every message received on `conn`, sends back `String(message).toUpperCase()`;
 * when the other end has closed, closes `conn` and returns.
 *
 * @example
 * ```ts
 * const [mine, theirs] = Pipe();
 * const serving = echoUpper(theirs);
 * await mine.send("hi");
 * await mine.recv(); // "HI"
 * await mine.close();
 * await serving; // ended by itself
 * ```
 */
export const echoUpper = task(import.meta, async function echoUpper(conn: Connection): Promise<void> {
  // TODO: for each message from messages(conn), send back String(message).toUpperCase(); then
  // close conn.
  throw new Error("TODO: echoUpper(conn) is not written yet");
});

/**
 * Runs {@link echoUpper} in a child in `context` on one end of a two-way pipe, sends it each of
 * `words` in turn and receives each reply, then closes its end so that the child ends, and
 * returns the replies and the child's exit code.
 *
 * @example
 * ```ts
 * await askUpper(["a", "b"], "thread"); // { replies: ["A", "B"], exitCode: 0 }
 * ```
 */
export async function askUpper(words: string[], context: ContextName): Promise<{ replies: string[]; exitCode: number | null }> {
  // TODO: a two-way Pipe; a child running echoUpper(theirs); close your copy of theirs; for each
  // word: send it, receive the reply; close mine; join; return { replies, exitCode }.
  throw new Error(`TODO: askUpper(${JSON.stringify(words)}, "${context}") is not written yet`);
}

// ── 3. Do not wait for ever ─────────────────────────────────────────────────────────────────

/**
 * Receives the next message on `conn` if one arrives within `ms` milliseconds; returns
 * `undefined` if none does. At the end of the pipe it throws `EOFError`, as `recv()` does.
 *
 * @example
 * ```ts
 * await recvWithin(reader, 100); // undefined after 100 ms if nothing was sent
 * ```
 */
export async function recvWithin(conn: Connection, ms: number): Promise<unknown> {
  // TODO: poll(ms); if it says nothing is there, return undefined; else return recv().
  throw new Error(`TODO: recvWithin(conn, ${ms}) is not written yet`);
}
