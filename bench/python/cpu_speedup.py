"""cpu-speedup, Python side: counts the primes below ``limit`` by trial division (the same
algorithm as bench/src/systems/primes.ts), split into chunks of ``chunk`` numbers handed out one
at a time (``imap_unordered`` with chunksize 1), first on a ``Pool(1)`` and then on a
``Pool(workers)``, both started and warmed before the clocks start. Reports time with 1 worker /
time with ``workers``."""
import multiprocessing as mp
import time

from harness import check, child_input, report


def count_primes(bounds):
    lo, hi = bounds
    count = 0
    for n in range(max(lo, 2), hi):
        if n % 2 == 0:
            count += n == 2
            continue
        d = 3
        prime = True
        while d * d <= n:
            if n % d == 0:
                prime = False
                break
            d += 2
        count += prime
    return count


def timed_count(pool, work):
    t0 = time.perf_counter()
    total = sum(pool.imap_unordered(count_primes, work, chunksize=1))
    return total, (time.perf_counter() - t0) * 1000


def main():
    _, params = child_input()
    limit, chunk, workers, expected = (int(params[k]) for k in ("limit", "chunk", "workers", "expected"))
    work = [(lo, min(lo + chunk, limit)) for lo in range(0, limit, chunk)]
    warm = [(0, min(limit, 50_000))]
    with mp.Pool(1) as one_pool, mp.Pool(workers) as pool:
        one_pool.map(count_primes, warm)
        pool.map(count_primes, warm * workers, chunksize=1)
        one, t1 = timed_count(one_pool, work)
        many, tn = timed_count(pool, work)
    check(f"primes below {limit} counted with 1 worker", expected, one)
    check(f"primes below {limit} counted with {workers} workers", expected, many)
    report(t1 / tn, oneWorkerMs=t1, **{f"{workers}WorkersMs": tn}, primes=one, workers=workers, startMethod=mp.get_start_method())


if __name__ == "__main__":
    main()
