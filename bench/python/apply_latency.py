"""apply-latency, Python side: ``calls`` sequential ``Pool.apply(square, (i,))`` round trips on a
started and warmed ``Pool(workers)``, after ``warmup`` unmeasured ones; reports µs per call."""
import multiprocessing as mp
import time

from harness import check, child_input, report
from pools import square, warm


def main():
    _, params = child_input()
    calls, warmup, workers = int(params["calls"]), int(params["warmup"]), int(params["workers"])
    with mp.Pool(workers) as pool:
        warm(pool, workers)
        for i in range(warmup):
            pool.apply(square, (i,))
        t0 = time.perf_counter()
        for i in range(calls):
            r = pool.apply(square, (i,))
            if r != i * i:
                check(f"square({i})", i * i, r)
        micros = (time.perf_counter() - t0) * 1e6 / calls
    report(micros, calls=calls, workers=workers, startMethod=mp.get_start_method())


if __name__ == "__main__":
    main()
