"""queue-throughput, Python side: a producer process sends ``messages`` messages (the index ``i``
when ``size`` is 0, else one ``size``-byte ``bytes`` object) to a consumer process, then ``None``.
Both are started and waiting on a Barrier before the clock starts; it stops when the consumer's
tally arrives on a separate result queue. Reports messages per second (size 0) or MiB per second.

Variant (first argument): ``queue`` (``multiprocessing.Queue``: put/get) or ``pipe``
(``multiprocessing.Pipe(duplex=False)``: send/recv)."""
import multiprocessing as mp
import time

from harness import check, child_input, report, variant_of


def payloads(messages, size):
    blob = bytes([7]) * size if size else None
    for i in range(messages):
        yield blob if size else i


def produce_queue(q, barrier, messages, size):
    barrier.wait()
    for m in payloads(messages, size):
        q.put(m)
    q.put(None)


def consume_queue(q, barrier, results):
    barrier.wait()
    received = nbytes = 0
    while (m := q.get()) is not None:
        received += 1
        if isinstance(m, bytes):
            nbytes += len(m)
    results.put((received, nbytes))


def produce_pipe(conn, barrier, messages, size):
    barrier.wait()
    for m in payloads(messages, size):
        conn.send(m)
    conn.send(None)


def consume_pipe(conn, barrier, results):
    barrier.wait()
    received = nbytes = 0
    while (m := conn.recv()) is not None:
        received += 1
        if isinstance(m, bytes):
            nbytes += len(m)
    results.put((received, nbytes))


def main():
    args, params = child_input()
    variant = variant_of(args, ["queue", "pipe"])
    messages, size = int(params["messages"]), int(params["size"])
    barrier = mp.Barrier(3)
    results = mp.Queue()
    if variant == "queue":
        q = mp.Queue()
        producer = mp.Process(target=produce_queue, args=(q, barrier, messages, size))
        consumer = mp.Process(target=consume_queue, args=(q, barrier, results))
    else:
        receiver, sender = mp.Pipe(duplex=False)
        producer = mp.Process(target=produce_pipe, args=(sender, barrier, messages, size))
        consumer = mp.Process(target=consume_pipe, args=(receiver, barrier, results))
    producer.start()
    consumer.start()
    barrier.wait()
    t0 = time.perf_counter()
    received, nbytes = results.get()
    seconds = time.perf_counter() - t0
    producer.join()
    consumer.join()
    check("messages received", messages, received)
    check("bytes received", messages * size, nbytes)
    value = messages / seconds if size == 0 else messages * size / 2**20 / seconds
    report(value, messages=messages, size=size, seconds=seconds, startMethod=mp.get_start_method())


if __name__ == "__main__":
    main()
