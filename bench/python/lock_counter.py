"""lock-counter, Python side: ``children`` processes each increment one shared
``multiprocessing.Value('i')`` ``increments`` times, each under the Value's own lock
(``with v.get_lock(): v.value += 1``). The children are started and waiting on a Barrier before
the clock starts; it stops when all have put "done" on a Queue. Reports increments per second."""
import multiprocessing as mp
import time

from harness import check, child_input, report


def work(counter, barrier, done, increments):
    barrier.wait()
    for _ in range(increments):
        with counter.get_lock():
            counter.value += 1
    done.put("done")


def main():
    _, params = child_input()
    children, increments = int(params["children"]), int(params["increments"])
    counter = mp.Value("i", 0)
    barrier = mp.Barrier(children + 1)
    done = mp.Queue()
    procs = [mp.Process(target=work, args=(counter, barrier, done, increments)) for _ in range(children)]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    for _ in procs:
        done.get()
    seconds = time.perf_counter() - t0
    for p in procs:
        p.join()
    total = children * increments
    check("the shared counter", total, counter.value)
    report(total / seconds, children=children, increments=increments, seconds=seconds, startMethod=mp.get_start_method())


if __name__ == "__main__":
    main()
