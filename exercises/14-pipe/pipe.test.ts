import { type ContextName, Process } from "@multiproc/core";
import { type Connection, EOFError, Pipe } from "@multiproc/ipc";
import { describe, expect, it } from "vitest";
import { askUpper, echoUpper, messages, recvWithin, sendWords, wordsThroughPipe } from "./pipe.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

/**
 * Waits for `promise`, but at most `ms` milliseconds: a process that waits for a message that
 * never comes (an end left open) must fail the test with a clear message, not hang the whole
 * run. Correct code takes a second or two.
 */
async function within<T>(what: string, promise: Promise<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s: is an end of the pipe still open somewhere?`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The next message on `mine`, unless `serving` (an echoUpper called here) ends or fails first:
 * then there will be no reply, and the test fails at once instead of waiting for one.
 */
async function replyOf(mine: Connection, serving: Promise<void>): Promise<unknown> {
  const ended = serving.then(() => {
    throw new Error("echoUpper returned without answering the message");
  });
  return Promise.race([mine.recv(), ended]);
}

/** Every message `messages(conn)` yields. */
async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

describe("1. A one-way pipe", () => {
  it("sendWords, called here, sends the words and closes its end", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    await sendWords(writer, ["a", "b"]);
    expect(writer.closed).toBe(true);
    expect(await reader.recv()).toBe("a");
    expect(await reader.recv()).toBe("b");
    await expect(reader.recv()).rejects.toBeInstanceOf(EOFError);
  });

  it("messages yields every message, then ends at the end of the pipe", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    await writer.send("one");
    await writer.send({ n: 2 });
    await writer.close();
    expect(await within("messages", collect(messages(reader)))).toEqual(["one", { n: 2 }]);
  });

  it("messages of a pipe that ends without a message yields nothing", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    await writer.close();
    expect(await within("messages", collect(messages(reader)))).toEqual([]);
  });

  it("messages does not hide other errors: reading a send-only end throws a TypeError", async () => {
    const [, writer] = Pipe({ duplex: false });
    await expect(collect(messages(writer))).rejects.toBeInstanceOf(TypeError);
  });

  it("wordsThroughPipe: the child's words arrive in order", async () => {
    const words = ["send", "and", "receive"];
    expect(await within("wordsThroughPipe", wordsThroughPipe(words, context))).toEqual(words);
  });
});

describe("2. A conversation", () => {
  it("echoUpper, called here, answers each message and ends when the other end closes", async () => {
    const [mine, theirs] = Pipe();
    const serving = echoUpper(theirs);
    await mine.send("hi");
    expect(await replyOf(mine, serving)).toBe("HI");
    await mine.send(42);
    expect(await replyOf(mine, serving)).toBe("42");
    await mine.close();
    await within("echoUpper after the other end closed", serving);
    expect(theirs.closed, "echoUpper closes its end when it is done").toBe(true);
  });

  it("askUpper: one reply per word, and the child ends by itself", async () => {
    const { replies, exitCode } = await within("askUpper", askUpper(["send", "and", "receive"], context));
    expect(replies).toEqual(["SEND", "AND", "RECEIVE"]);
    expect(exitCode).toBe(0);
  });
});

describe("3. Do not wait for ever", () => {
  it("recvWithin returns a message that is there", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    await writer.send("ready");
    expect(await recvWithin(reader, 1000)).toBe("ready");
  });

  it("recvWithin returns undefined after waiting ms milliseconds when nothing comes", async () => {
    const [reader] = Pipe({ duplex: false });
    const started = performance.now();
    expect(await recvWithin(reader, 100)).toBeUndefined();
    // 5 ms of slack: timers may fire a little early on some runtimes.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("recvWithin throws EOFError at the end of the pipe", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    await writer.close();
    await expect(recvWithin(reader, 1000)).rejects.toBeInstanceOf(EOFError);
  });

  it("with a child: nothing before we ask, then its reply", async () => {
    const [mine, theirs] = Pipe();
    const child = new Process({ target: echoUpper, args: [theirs], context });
    child.start();
    await theirs.close();
    try {
      // echoUpper only ever answers: before we send, there is nothing to receive.
      expect(await recvWithin(mine, 100)).toBeUndefined();
      await mine.send("now");
      expect(await recvWithin(mine, 30_000)).toBe("NOW");
    } finally {
      // Even when an expectation fails: closing our end lets the child end, and we wait for it.
      await mine.close();
      await within("the child's join", child.join());
    }
    expect(child.exitCode).toBe(0);
  });
});
