"""The processes that segment a corpus: how many (`_workers`), and `_run_parallel`, which hands chunks of texts
to forked workers and to this process alike, whoever is free; the texts and a barrier are given to each
worker once, when it starts.
"""
from __future__ import annotations

import os
from types import SimpleNamespace

PARALLEL_MIN_BYTES = 2_000_000  # below this, starting processes costs more than it saves
PARALLEL_MIN_CORES = 2  # measured on 17,517 CCTV items here: 2 processes 2.9 s, 1 process 5.3 s (2 MB minimum above)


def _workers(workers: int | None, n_bytes: int) -> int:
    if workers is not None:
        return max(1, int(workers))
    cores = os.cpu_count() or 1
    if n_bytes < PARALLEL_MIN_BYTES or cores < PARALLEL_MIN_CORES:
        return 1
    return min(cores, 8)


# In a worker process: the barrier of the call (each worker takes one flush, see counting._flush) and the
# texts it reads by position, given once when it starts.
FORKED = SimpleNamespace(barrier=None, texts=[])


def _init_worker(barrier, texts) -> None:
    FORKED.barrier, FORKED.texts = barrier, texts


def _run_parallel(chunks, func, job, collect, n: int, local=None, drained=None, finish=None, remote=None) -> None:
    """Chunks to n-1 forked workers (`func(job(chunk))`) and to this process (`local(job(chunk))`,
    by default func with plain lists), whoever is free takes the next one. `drained(pool, barrier)`
    runs once when no chunk is left to start, `finish(pool, barrier)` when every chunk is done, both
    before the workers end (the barrier has one party per worker; a failure here aborts it).
    remote: (job for the workers, texts they start with), so they are given the texts once (inherited
    when forked) rather than with every chunk."""
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    local = local or (lambda args: func(args, joined=False))
    context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    barrier = context.Barrier(n - 1)
    remote_job, texts = remote or (job, [])
    pending = deque(chunks)
    running = {}
    with ProcessPoolExecutor(n - 1, mp_context=context, initializer=_init_worker, initargs=(barrier, texts)) as pool:
        try:
            while pending or running:
                while pending and len(running) < 2 * (n - 1):
                    chunk = pending.popleft()
                    running[pool.submit(func, remote_job(chunk))] = chunk
                if pending:  # this process works too
                    chunk = pending.pop()
                    collect(chunk, local(job(chunk)), False)
                    done = [f for f in running if f.done()]
                else:
                    if drained is not None:
                        drained(pool, barrier)
                        drained = None
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    collect(running.pop(future), future.result(), True)
            if drained is not None:
                drained(pool, barrier)
            if finish is not None:
                finish(pool, barrier)
        except BaseException:
            barrier.abort()  # a worker waiting in _flush gives up instead of holding the pool open
            raise
