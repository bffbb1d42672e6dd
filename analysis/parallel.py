"""One machine's cores: how many processes a batch of work gets, and running chunks of it on them.

Past one machine the same per-file and per-chunk functions run as Dask tasks (analysis/cluster/).
"""
from __future__ import annotations

PARALLEL_MIN_ITEMS = 2000  # articles; below this, starting a second process costs more than it saves
EXPLORER_NICE = 19  # the build's explorer yields the cores to the notebooks (whose last one the report waits for)


def small_pages() -> dict[str, str]:
    """Allocate memory in small pages in this process and in the processes it starts (the returned variables, to
    put in their environment): numpy's large arrays and pyarrow's default pool (mimalloc) ask for transparent huge
    pages, and in a virtual machine such as this project's 2-core one a fresh huge page costs far more than the
    small pages it replaces (2,000,000 strings into an arrow column: 5.2-6.5 s with mimalloc, 1.6 s with
    jemalloc; notebook 02 on the 58,063 CCTV items 8 % faster, see benchmarks/bench_memory.py). Variables the
    caller set are kept."""
    import os

    import numpy as np
    import pyarrow as pa

    env = {}
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        for name in ("jemalloc", "system"):
            try:
                pa.set_memory_pool(getattr(pa, f"{name}_memory_pool")())
            except (NotImplementedError, AttributeError):  # a pyarrow built without jemalloc
                continue
            env["ARROW_DEFAULT_MEMORY_POOL"] = name
            break
    if "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        multiarray = getattr(np, "_core", None) or np.core
        setter = getattr(multiarray.multiarray, "_set_madvise_hugepage", None)
        if setter is not None:
            setter(False)
            env["NUMPY_MADVISE_HUGEPAGE"] = "0"
    os.environ.update(env)
    return env


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


STOP_SECONDS = 10.0  # how long a stopped background process may take to unwind before it is killed


class Background:
    """func(*args) in a forked process while the caller goes on (the build: while the notebooks run), or here
    (`parallel=False`) when its result is asked for; an error it raises is raised by `result`."""

    def __init__(self, func, args: tuple, name: str, parallel: bool = True, nice: int = 0):
        self.func, self.args, self.process = func, args, None
        import os

        self.group = bool(nice) and hasattr(os, "setsid") and hasattr(os, "killpg")  # (a session: _yield_cores)
        if parallel:
            import multiprocessing as mp

            context = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            self.conn, child = context.Pipe(duplex=False)
            self.process = context.Process(target=_background_process, args=(child, func, args, nice), name=name)
            self.process.start()
            child.close()

    def result(self) -> None:
        """Wait for the process (or run func here); its error, if any, is raised here."""
        if self.process is None:
            self.func(*self.args)
            return
        while not self.conn.poll(0.5):
            if not self.process.is_alive() and not self.conn.poll():
                raise RuntimeError(f"the {self.process.name}'s process ended (exit code {self.process.exitcode})")
        error = self.conn.recv()
        self.process.join()
        if error is not None:
            raise error

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """The result is not wanted (the caller failed): the process is ended, and with it what it started when it
        leads a process group of its own (`nice`: the explorer's browser and its driver, orphaned otherwise).
        The process is asked first (SIGTERM: it unwinds, and its `finally` blocks quit its browser and remove what
        it holds) and killed after `timeout` seconds; then what is left in its group is ended, also when the
        process had died by itself (out of memory, say). It is reaped last, so that its id names no one else's
        group meanwhile."""
        if self.process is None:
            return
        from multiprocessing.connection import wait

        sentinel = self.process.sentinel
        if not wait([sentinel], 0):
            self.process.terminate()
            if not wait([sentinel], timeout):  # stuck in a long call, or it caught the SystemExit: no more waiting
                self.process.kill()
                wait([sentinel])
        if self.group:
            _end_group(self.process.pid, timeout)
        self.process.join()


def _end_group(pgid: int, timeout: float) -> None:
    """SIGTERM to what is left of process group `pgid`, SIGKILL to what is still there after `timeout` s."""
    import os
    import signal
    import time

    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):  # the group is empty (or none of it is ours)
            return
        end = time.monotonic() + timeout
        while _group_alive(pgid):
            if time.monotonic() > end:
                break
            time.sleep(0.05)
        else:
            return


def _group_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs (a zombie, ended but not yet reaped, does not count)."""
    import os

    if not os.path.isdir("/proc"):
        try:
            os.killpg(pgid, 0)
            return True
        except (ProcessLookupError, PermissionError):
            return False
    for _pid, stat in proc_files("stat"):
        try:
            state, _ppid, group = stat.rsplit(b")", 1)[1].split()[:3]
        except ValueError:  # (cut short)
            continue
        if int(group) == pgid and state != b"Z":
            return True
    return False


def proc_files(name: str):
    """(pid, contents of /proc/<pid>/<name>) for each process (Linux); nothing where there is no /proc."""
    import os

    if not os.path.isdir("/proc"):
        return
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(os.path.join(entry.path, name), "rb") as f:
                    data = f.read()
            except OSError:  # it ended meanwhile (or is not ours to read)
                continue
            yield int(entry.name), data


def _yield_cores(nice: int) -> None:
    """Run this process (and what it starts) `nice` steps nicer. Where Linux groups processes by session for
    scheduling (autogroup), niceness counts only inside the group, and kernels (each in a session of its own) would
    still share the cores equally with this process's group: so it also takes a session of its own and sets that
    group's niceness (the explorer at nice 19 still took half a core from notebooks 02 and 03 before)."""
    import os

    from .memo import BACKGROUND_ENV

    os.nice(nice)
    os.environ[BACKGROUND_ENV] = "1"  # a notebook must not wait for a result this process computes (memo_frame)
    try:
        os.setsid()
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(nice))
    except OSError:  # no autogroup here (or not allowed): plain niceness is what counts
        pass


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(128 + signum)


def _background_process(conn, func, args, nice: int = 0) -> None:
    try:
        import os
        import signal

        # Stopped (`Background.stop`), the process unwinds instead of dying at once: what it holds is let go in its
        # `finally` blocks (the explorer's browser profile, a temporary index), which SIGTERM's default skipped
        signal.signal(signal.SIGTERM, _exit_on_term)
        if nice and hasattr(os, "nice"):  # (no niceness on Windows: there it runs as the caller does)
            _yield_cores(nice)
        func(*args)
        conn.send(None)
    except BaseException as exc:  # noqa: BLE001 - sent to the build, which raises it
        try:
            conn.send(exc)
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send(RuntimeError(f"the {func.__name__} process failed: {exc!r}"))
