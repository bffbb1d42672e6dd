"""One machine's cores: how many processes a batch of work gets, and running chunks of it on them.

Past one machine the same per-file and per-chunk functions run as Dask tasks (analysis/cluster/).
"""
from __future__ import annotations

PARALLEL_MIN_ITEMS = 2000  # articles; below this, starting a second process costs more than it saves


def workers_for(n_items: int) -> int:
    """Processes for cleaning n articles: every core for a large batch, one for a small one."""
    import multiprocessing
    import os

    if multiprocessing.current_process().daemon:  # a Dask worker: its tasks are the parallelism
        return 1
    return min(os.cpu_count() or 1, 8) if n_items >= PARALLEL_MIN_ITEMS else 1


def map_chunks(func, chunks: list, workers: int, shared=None) -> list:
    """[func(chunk) for chunk in chunks], on `workers` forked processes when more than one.

    shared: data every chunk reads, passed as func(chunk, shared): given to each worker once when it
    starts (inherited, not pickled, when forked) rather than piece by piece with the chunks.
    One machine's cores only; past one machine the same per-file and per-chunk functions run as
    Dask tasks (analysis/cluster/)."""
    return list(iter_chunks(func, chunks, workers, shared))


def iter_chunks(func, chunks: list, workers: int, shared=None):
    """map_chunks as a generator: each result in order as soon as it is ready, so the caller can work
    on the first chunks while the workers compute the rest."""
    from functools import partial

    if workers <= 1 or len(chunks) <= 1:
        yield from map(func if shared is None else partial(_with_shared, func, shared), chunks)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in mp.get_all_start_methods() else None
    if shared is None:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context(method)) as pool:
            yield from pool.map(func, chunks)
        return
    with ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=_set_worker_shared,
                             initargs=(shared,)) as pool:
        yield from pool.map(partial(_with_worker_shared, func), chunks)


def _with_shared(func, shared, chunk):
    return func(chunk, shared)


_WORKER_SHARED = None  # in a worker process (one task at a time): the `shared` data it was started with


def _set_worker_shared(value) -> None:
    global _WORKER_SHARED
    _WORKER_SHARED = value


def _with_worker_shared(func, chunk):
    return func(chunk, _WORKER_SHARED)
