"""The task of the Python pool workloads, in its own module so that every start method finds it."""


def square(x):
    return x * x


def warm(pool, workers):
    """Makes every worker of a freshly started pool run the task before the clock starts."""
    pool.map(square, range(workers * 50), chunksize=1)
