"""pool-map, Python side: ``Pool.map(square, range(items))`` on a started and warmed
``Pool(workers)`` of the default start method; reports items per second.

Variant (first argument): ``default`` for Pool.map's default chunksize (items split into about
4 chunks per worker), ``one`` for ``chunksize=1`` (one task per item, like the JavaScript pools)."""
import multiprocessing as mp
import time

from harness import check, child_input, report, variant_of
from pools import square, warm


def main():
    args, params = child_input()
    chunking = variant_of(args, ["default", "one"])
    chunksize = None if chunking == "default" else 1
    items, workers = int(params["items"]), int(params["workers"])
    with mp.Pool(workers) as pool:
        warm(pool, workers)
        t0 = time.perf_counter()
        squares = pool.map(square, range(items), chunksize)
        seconds = time.perf_counter() - t0
    check("sum of the squares", (items - 1) * items * (2 * items - 1) // 6, sum(squares))
    report(items / seconds, items=items, workers=workers, seconds=seconds, chunksize=chunksize or 'default', startMethod=mp.get_start_method())


if __name__ == "__main__":
    main()
