import { type ContextName, Process } from "@multiproc/core";
import { type Connection, EOFError, Pipe, Queue } from "@multiproc/ipc";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileSize, measure, measureFile, reportSize } from "./homework.ts";

/** The context the grader runs these tests in (it sets MULTIPROC_CONTEXT); "process" by default. */
const context: ContextName = process.env.MULTIPROC_CONTEXT === "thread" ? "thread" : "process";

const MiB = 1024 * 1024;
/** 19 characters (UTF-16 code units), 29 bytes in UTF-8: ï and é take 2 bytes, — 東 京 3 each, 🎉 4. */
const UTF8_TEXT = "naïve café — 東京 🎉\n";

let dir = "";
/** The test files, created in a fresh temporary folder before the tests (never committed). */
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "homework-"));
  writeFileSync(file("hello.txt"), "hello, world\n");
  writeFileSync(file("empty.txt"), "");
  writeFileSync(file("utf8.txt"), UTF8_TEXT);
  writeFileSync(file("big.bin"), new Uint8Array(50 * MiB).fill(0x61));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Waits for `promise`, but at most `ms` milliseconds: a process that waits for a message that
 * never comes must fail the test with a clear message, not hang the whole run.
 */
async function within<T>(what: string, promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s: is a process waiting for a message that never comes?`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first message on `conn`, with a clear error if the sender ended without sending one. */
async function firstMessage(conn: Connection, sender: Process<[string, Connection]>): Promise<unknown> {
  try {
    return await within("receiving measureFile's message", conn.recv());
  } catch (error) {
    if (!(error instanceof EOFError)) throw error;
    await sender.join();
    throw new Error(`measureFile ended with exit code ${sender.exitCode} without sending a message (exit code 1: it threw an error)`);
  }
}

/** Starts measureFile(path, <one end of a pipe>) in a child; returns the child and the other end. */
async function startMeasurer(path: string): Promise<{ child: Process<[string, Connection]>; mine: Connection }> {
  const [mine, theirs] = Pipe();
  const child = new Process({ target: measureFile, args: [path, theirs], context });
  child.start();
  await theirs.close(); // the child has its own copy
  return { child, mine };
}

/**
 * Starts reportSize(path, <one end of a pipe>, <a queue>) in a child, lets `talk` use the other
 * end, waits for the child, and returns the line it put on the queue.
 */
async function reportFrom(path: string, talk: (conn: Connection) => Promise<void>): Promise<string> {
  const [mine, theirs] = Pipe();
  const reports = new Queue<string>();
  const child = new Process({ target: reportSize, args: [path, theirs, reports], context });
  child.start();
  await talk(mine);
  await within("reportSize", child.join());
  await theirs.close();
  expect(child.exitCode, "reportSize's exit code (1: it threw an error)").toBe(0);
  return await reports.get({ timeout: 5000 });
}

describe("1. Count the bytes", () => {
  it("counts the bytes of a small text file", async () => {
    expect(await fileSize(file("hello.txt"))).toBe(13);
  });

  it("an empty file has 0 bytes", async () => {
    expect(await fileSize(file("empty.txt"))).toBe(0);
  });

  it("counts bytes, not characters, in a UTF-8 file", async () => {
    expect(UTF8_TEXT.length).toBe(19); // UTF-16 code units: not the answer
    expect(await fileSize(file("utf8.txt"))).toBe(29);
  });

  it("counts the bytes of a 50 MiB file", async () => {
    expect(await fileSize(file("big.bin"))).toBe(50 * MiB);
  });

  it("rejects with an error naming the file when the file does not exist", async () => {
    await expect(fileSize(file("missing.txt"))).rejects.toThrow(/missing\.txt/);
  });
});

describe("2. The measuring process", () => {
  it("sends the size of the file, then ends with exit code 0", async () => {
    const { child, mine } = await startMeasurer(file("hello.txt"));
    expect(await firstMessage(mine, child)).toEqual({ size: 13 });
    await within("measureFile", child.join());
    expect(child.exitCode).toBe(0);
  });

  it("sends the size of a 50 MiB file", async () => {
    const { child, mine } = await startMeasurer(file("big.bin"));
    expect(await firstMessage(mine, child)).toEqual({ size: 50 * MiB });
    await within("measureFile", child.join());
  });

  it("sends { error } naming the file when it does not exist, and still ends with exit code 0", async () => {
    const { child, mine } = await startMeasurer(file("missing.txt"));
    const message = await firstMessage(mine, child);
    expect(message).toEqual({ error: expect.stringMatching(/missing\.txt/) });
    await within("measureFile", child.join());
    expect(child.exitCode).toBe(0);
  });

  it("sends exactly one message, then the pipe ends", async () => {
    const { child, mine } = await startMeasurer(file("empty.txt"));
    expect(await firstMessage(mine, child)).toEqual({ size: 0 });
    await expect(within("the end of the pipe", mine.recv())).rejects.toBeInstanceOf(EOFError);
    await within("measureFile", child.join());
  });
});

describe("3. The reporting process", () => {
  it("reports a size it receives", async () => {
    expect(await reportFrom("data.txt", (conn) => conn.send({ size: 1234 }))).toBe("data.txt: 1234 bytes");
  });

  it("reports a size of 0", async () => {
    expect(await reportFrom("empty.txt", (conn) => conn.send({ size: 0 }))).toBe("empty.txt: 0 bytes");
  });

  it("reports an error it receives", async () => {
    const error = "ENOENT: no such file or directory, open 'missing.txt'";
    expect(await reportFrom("missing.txt", (conn) => conn.send({ error }))).toBe(`missing.txt: error: ${error}`);
  });

  it("reports an error, and does not hang, when the other end closes without sending", async () => {
    expect(await reportFrom("lost.txt", (conn) => conn.close())).toMatch(/^lost\.txt: error: \S/);
  });
});

describe("4. Put it together", () => {
  it("measures a small text file in one process and reports it from another", async () => {
    const { report, measurer, reporter } = await within("measure()", measure(file("hello.txt"), context));
    expect(report).toBe(`${file("hello.txt")}: 13 bytes`);
    expect(measurer.exitCode).toBe(0);
    expect(reporter.exitCode).toBe(0);
    if (context === "process") {
      // Two OS processes: each has a pid of its own.
      expect(measurer.pid).not.toBe(process.pid);
      expect(reporter.pid).not.toBe(process.pid);
      expect(measurer.pid).not.toBe(reporter.pid);
    } else {
      // Two worker threads of this process: its pid, different thread ids.
      expect(measurer.pid).toBe(process.pid);
      expect(reporter.pid).toBe(process.pid);
      expect(measurer.threadId).not.toBe(reporter.threadId);
    }
  });

  it("reports 0 bytes for an empty file", async () => {
    const { report } = await within("measure()", measure(file("empty.txt"), context));
    expect(report).toBe(`${file("empty.txt")}: 0 bytes`);
  });

  it("reports the bytes of a multi-byte UTF-8 file", async () => {
    const { report } = await within("measure()", measure(file("utf8.txt"), context));
    expect(report).toBe(`${file("utf8.txt")}: 29 bytes`);
  });

  it("reports the bytes of a 50 MiB file", async () => {
    const { report } = await within("measure()", measure(file("big.bin"), context));
    expect(report).toBe(`${file("big.bin")}: ${50 * MiB} bytes`);
  });

  it("a missing file: the reporter reports a clear error, and nothing hangs", async () => {
    const { report, measurer, reporter } = await within("measure()", measure(file("missing.txt"), context));
    expect(report.startsWith(`${file("missing.txt")}: error: `), report).toBe(true);
    expect(report.slice(`${file("missing.txt")}: error: `.length)).toMatch(/missing\.txt/);
    expect(measurer.exitCode).toBe(0);
    expect(reporter.exitCode).toBe(0);
  });

  it("several files at once: each measure() has its own processes and pipe", async () => {
    const names = ["hello.txt", "empty.txt", "utf8.txt"];
    const results = await within("three measure() calls", Promise.all(names.map((name) => measure(file(name), context))));
    expect(results.map((r) => r.report)).toEqual([`${file("hello.txt")}: 13 bytes`, `${file("empty.txt")}: 0 bytes`, `${file("utf8.txt")}: 29 bytes`]);
  });
});
