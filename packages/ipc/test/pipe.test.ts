import { describe, expect, it } from "vitest";
import { Process, type ContextName } from "@multiproc/core";
import { BufferTooShort, type Connection, EOFError, Pipe, Queue } from "../src/index.ts";
import { forwardEnd, pipeEcho, pipeSendAndLeave, pipeSendThenHang, takeEndSendThenHang, wrongDirection } from "./fixtures/tasks.ts";

const contexts: ContextName[] = ["process", "thread"];

describe("Pipe in one process", () => {
  it("sends both ways and keeps message boundaries, an empty message included", async () => {
    const [a, b] = Pipe();
    await a.send("one");
    await a.send("");
    await a.send({ two: [2] });
    await b.send(3);
    expect(await b.recv()).toBe("one");
    expect(await b.recv()).toBe("");
    expect(await b.recv()).toEqual({ two: [2] });
    expect(await a.recv()).toBe(3);
  });

  it("sendBytes / recvBytes / recvBytesInto with offsets, sizes and their errors", async () => {
    const [a, b] = Pipe();
    const data = new Uint8Array([0, 1, 2, 3, 4, 5]);
    await a.sendBytes(data, 2, 3);
    expect(await b.recvBytes()).toEqual(new Uint8Array([2, 3, 4]));
    await a.sendBytes(new Uint8Array(0));
    expect(await b.recvBytes()).toEqual(new Uint8Array(0));
    await a.sendBytes(data);
    const into = new Uint8Array(10);
    expect(await b.recvBytesInto(into, 4)).toBe(6);
    expect([...into]).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
    await a.sendBytes(data);
    const err = await b.recvBytesInto(new Uint8Array(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BufferTooShort);
    expect((err as BufferTooShort).messageBytes).toEqual(data);
    await expect(a.sendBytes(data, 7)).rejects.toThrow(RangeError);
    await expect(a.sendBytes(data, 2, 5)).rejects.toThrow(RangeError);
    await expect(a.sendBytes(data, -1)).rejects.toThrow(RangeError);
    await a.sendBytes(data);
    await expect(b.recvBytes(2)).rejects.toThrow(/longer than maxLength/);
    await a.send({ not: "bytes" });
    await expect(b.recvBytes()).rejects.toThrow(/sent with send\(\)/);
  });

  it("an object travels as itself, whatever its shape; only sendBytes messages are bytes messages", async () => {
    const [a, b] = Pipe();
    const objects = [{ b: new Uint8Array([1]) }, { o: 2 }, new Uint8Array([3]), null];
    for (const o of objects) await a.send(o);
    for (const o of objects) expect(await b.recv()).toEqual(o);
    await a.send(new Uint8Array([4]));
    await expect(b.recvBytes()).rejects.toThrow(/sent with send\(\)/);
    await a.sendBytes(new Uint8Array([5, 6]));
    expect(await b.recv()).toEqual(new Uint8Array([5, 6])); // recv() takes a bytes message as its bytes
  });

  it("poll() says whether a message is waiting, and waits up to its timeout", async () => {
    const [a, b] = Pipe();
    expect(await b.poll()).toBe(false);
    const t0 = performance.now();
    expect(await b.poll(120)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(100);
    const later = b.poll(null);
    await a.send(1);
    expect(await later).toBe(true);
    expect(await b.recv()).toBe(1);
  });

  it("after the other end closes, pending messages arrive, then EOFError", async () => {
    const [a, b] = Pipe();
    await a.send("x");
    await a.close();
    expect(a.closed).toBe(true);
    expect(await b.poll()).toBe(true);
    expect(await b.recv()).toBe("x");
    await expect(b.recv()).rejects.toBeInstanceOf(EOFError);
    await expect(b.send("y")).rejects.toBeInstanceOf(EOFError);
    await expect(a.send("z")).rejects.toThrow(/closed/);
  });

  it("a one-way pipe refuses the wrong direction", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    expect([reader.readable, reader.writable, writer.readable, writer.writable]).toEqual([true, false, false, true]);
    await expect(reader.send(1)).rejects.toThrow(/read-only/);
    await expect(writer.recv()).rejects.toThrow(/write-only/);
    await writer.send(2);
    expect(await reader.recv()).toBe(2);
  });
});

describe.each(contexts)("Pipe across the %s context", (context) => {
  it("a child echoes messages, including 16 MiB, and the parent sees EOF after the child closes", async () => {
    const [mine, theirs] = Pipe();
    const p = new Process({ target: pipeEcho, args: [theirs], context });
    p.start();
    await theirs.close(); // the child has its own copy
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 991) big[i] = i % 253;
    await mine.send({ hello: 1 });
    expect(await mine.recv()).toEqual({ hello: 1 });
    await mine.sendBytes(big);
    const back = (await mine.recv()) as Uint8Array;
    expect(Buffer.from(back).equals(Buffer.from(big))).toBe(true);
    await mine.close();
    await p.join();
    expect(p.exitCode).toBe(0);
  }, 60_000);

  it("a child that ends without closing its end still ends the pipe", async () => {
    const [mine, theirs] = Pipe();
    const p = new Process({ target: pipeSendAndLeave, args: [theirs, 3], context });
    p.start();
    await theirs.close();
    const got: unknown[] = [];
    for (;;) {
      try {
        got.push(await mine.recv());
      } catch (err) {
        expect(err).toBeInstanceOf(EOFError);
        break;
      }
    }
    expect(got).toEqual([0, 1, 2, new Uint8Array([1, 2, 3])]);
    await p.join();
  });

  it("a child terminated while it holds copies of an end: they are closed for it, and the other end sees EOF", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    const ready = new Queue<string>();
    // Two children, each with a copy of the writer.
    const p = new Process({ target: pipeSendThenHang, args: [writer, 3, ready], context });
    const q = new Process({ target: pipeSendThenHang, args: [writer, 0, ready], context });
    p.start();
    q.start();
    await writer.close();
    await ready.get();
    await ready.get();
    expect([await reader.recv(), await reader.recv(), await reader.recv()]).toEqual([0, 1, 2]);
    p.terminate();
    await p.join();
    // q still holds a copy: no end yet.
    expect(await reader.poll(50)).toBe(false);
    q.terminate();
    await q.join();
    expect(await reader.poll(10_000)).toBe(true);
    await expect(reader.recv()).rejects.toBeInstanceOf(EOFError);
  }, 30_000);

  it("a copy passed on from child to child is the receiver's: the sender's close leaves it open, the receiver's termination closes it", async () => {
    const [reader, writer] = Pipe({ duplex: false });
    const box = new Queue<Connection>();
    const ready = new Queue<string>();
    const go = new Queue<string>();
    const sender = new Process({ target: forwardEnd, args: [writer, box, go], context });
    const receiver = new Process({ target: takeEndSendThenHang, args: [box, 2, ready], context });
    sender.start();
    receiver.start();
    await writer.close();
    await ready.get();
    expect([await reader.recv(), await reader.recv()]).toEqual([0, 1]);
    expect(await reader.poll(50)).toBe(false); // the sender closed its copy; the receiver's is open
    receiver.terminate();
    await receiver.join();
    expect(await reader.poll(10_000)).toBe(true);
    await expect(reader.recv()).rejects.toBeInstanceOf(EOFError);
    await go.put("go");
    await sender.join();
    expect(sender.exitCode).toBe(0);
  }, 30_000);

  it("the wrong direction of a one-way pipe fails in the child too", async () => {
    const [, writer] = Pipe({ duplex: false });
    const results = new Queue<string>();
    const p = new Process({ target: wrongDirection, args: [writer, results], context });
    p.start();
    expect(await results.get()).toMatch(/TypeError: .*write-only/);
    await p.join();
  });
});
