"""spawn-join, Python side: mean time to start and join a no-op multiprocessing.Process.

Variant (first argument): the start method, ``fork`` or ``spawn``.
"""
import multiprocessing as mp
import time

from harness import child_input, report, report_unavailable, variant_of


def noop():
    pass


def main():
    args, params = child_input()
    method = variant_of(args, ["fork", "spawn"])
    if method not in mp.get_all_start_methods():
        report_unavailable(f"start method {method} is not available on this platform")
        return
    ctx = mp.get_context(method)
    count, warmup = int(params["count"]), int(params["warmup"])

    def start_join():
        p = ctx.Process(target=noop)
        p.start()
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"no-op child exited with {p.exitcode}")

    for _ in range(warmup):
        start_join()
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        start_join()
        times.append((time.perf_counter() - t0) * 1000)
    report(sum(times) / count, count=count, fastestMs=min(times), slowestMs=max(times))


if __name__ == "__main__":
    main()
