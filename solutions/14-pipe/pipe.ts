/**
 * Exercise 14: pipes — the reference solution.
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
  for (const word of words) await conn.send(word);
  await conn.close();
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
  for (;;) {
    let message: unknown;
    try {
      message = await conn.recv();
    } catch (error) {
      if (error instanceof EOFError) return;
      throw error;
    }
    yield message;
  }
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
  const [reader, writer] = Pipe({ duplex: false });
  const child = new Process({ target: sendWords, args: [writer, words], context });
  child.start();
  await writer.close(); // the child has its own copy of this end
  const received: string[] = [];
  for await (const message of messages(reader)) received.push(message as string);
  await reader.close();
  await child.join();
  return received;
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
  for await (const message of messages(conn)) await conn.send(String(message).toUpperCase());
  await conn.close();
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
  const [mine, theirs] = Pipe();
  const child = new Process({ target: echoUpper, args: [theirs], context });
  child.start();
  await theirs.close();
  const replies: string[] = [];
  for (const word of words) {
    await mine.send(word);
    replies.push((await mine.recv()) as string);
  }
  await mine.close();
  await child.join();
  return { replies, exitCode: child.exitCode };
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
  if (!(await conn.poll(ms))) return undefined;
  return conn.recv();
}
