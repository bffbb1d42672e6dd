"""Results kept on disk: uncompressed Arrow IPC files under `paths.cache_dir`, written atomically and read
memory-mapped; `memo_frame` computes a DataFrame once per distinct input, `column_digest` keys it by a
column's values, and `prune` keeps a cache folder from growing without end.
"""
from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import cache_dir

KEEP_MEMOS = 32  # results kept per kind of memo_frame
# set in a process that yields the cores to others (parallel.Background(nice=...)): it takes no memo lock
BACKGROUND_ENV = "ANALYSIS_BACKGROUND"


def write_arrow(frame: pd.DataFrame, path: Path) -> None:
    """An uncompressed Arrow IPC file, written under a temporary name and renamed (readers never see
    half a file); Arrow rather than Parquet because it writes and reads several times faster, and reads
    memory-mapped (see read_arrow)."""
    import pyarrow as pa
    import pyarrow.feather as feather

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=None)
    if max((col.num_chunks for col in table.columns), default=0) > 64:  # e.g. a column put together from a
        table = table.combine_chunks()  # piece per group: one record batch per piece would bloat the file
    feather.write_feather(table, tmp, compression="uncompressed")
    os.replace(tmp, path)


def read_arrow(path: Path) -> pd.DataFrame:
    import pyarrow.feather as feather

    return feather.read_table(path, memory_map=True).to_pandas()



def prune(folder: Path, keep: int) -> None:
    """Remove all but the `keep` most recently written entries (files or folders) of a cache folder:
    results of older rules or inputs would otherwise pile up. A process that has one mapped keeps it."""
    import shutil

    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in entries[keep:]:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def column_digest(values) -> bytes:
    """A digest of a column's values (a pandas Series or array) for cache keys, the same however the
    values are laid out in memory (one Arrow chunk or several, sliced or not). An Arrow-backed string
    column is hashed from its buffers (79 MB of text in about 0.05 s; value by value from Python
    takes 0.5 s); other columns value by value."""
    import pyarrow as pa

    h = hashlib.sha1()
    array = getattr(values, "array", values)
    chunked = getattr(array, "_pa_array", None)
    if chunked is not None and (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type)):
        arr = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
        offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset:arr.offset + len(arr) + 1]
        h.update(b"str")
        h.update((offsets - offsets[0]).astype(np.int64).tobytes())
        if arr.buffers()[2] is not None:
            h.update(memoryview(arr.buffers()[2])[int(offsets[0]):int(offsets[-1])])
        if arr.null_count:
            h.update(np.asarray(arr.is_null()).tobytes())
        return h.digest()
    arr = np.asarray(values)
    if arr.dtype.kind in "biufcmM":
        h.update(str(arr.dtype).encode())
        h.update(np.ascontiguousarray(arr).tobytes())
        return h.digest()
    h.update(b"values")  # value by value, each with its type and length, so no two lists collide
    for value in arr.tolist():
        data = value.encode("utf-8") if isinstance(value, str) else repr(value).encode("utf-8")
        h.update(f"{type(value).__name__}:{len(data)}:".encode())
        h.update(data)
    return h.digest()


def memo_frame(kind: str, parts, compute):
    """compute() once per distinct input: the DataFrame is kept in cache_dir(kind) under the SHA-1
    of `parts` (strings or bytes: the input texts or their column_digest, options, and the versions of
    the code and word lists it depends on), and read back while those are unchanged. Stored as an
    uncompressed Arrow IPC file, memory-mapped when read (a 262,669-paragraph table in 0.1 s)."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\x00")
    path = cache_dir(kind) / f"{h.hexdigest()[:24]}.arrow"
    try:
        return read_arrow(path)
    except (FileNotFoundError, OSError, ValueError):
        pass
    with _computing(path):  # another process computing the same result: wait for it and read it
        try:
            return read_arrow(path)
        except (FileNotFoundError, OSError, ValueError):
            pass
        frame = compute()
        if not frame.index.equals(pd.RangeIndex(len(frame))):
            return frame  # Arrow IPC files hold columns only: a frame with its own index is not kept
        try:
            write_arrow(frame, path)
        except (OSError, ValueError, TypeError):
            pass  # a result that cannot be cached is still the result
    prune(path.parent, KEEP_MEMOS)
    return frame


@contextmanager
def _computing(path: Path):
    """Held while this process computes the result kept at `path`: the build's processes ask for the same
    results at the same time (notebook 03 and the explorer each resampled the same 30,680 articles), and the
    second waits for the first's file instead of computing the same again. An advisory lock (fcntl) on a file
    beside it, removed once the result is written: a process that opens it afterwards finds the result. A result
    that is not written (its compute failed, or it cannot be kept) is computed by the next process again.
    A background process (`BACKGROUND_ENV` set: the build's explorer at nice 19) waits for a lock another holds
    but takes none itself, so a notebook never waits for it. Where there is no fcntl, or no lock can be taken,
    each process computes its own."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    lock_path, lock, held = path.with_name(path.name + ".lock"), None, False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a+b")
        _HELD.add(lock)  # (before it is taken: a fork in between must not keep it)
        fcntl.flock(lock, fcntl.LOCK_EX)
        held = not os.environ.get(BACKGROUND_ENV)  # (a background process waited for whoever held it, no more)
    except OSError:  # no lock here (a file system without them): compute without one
        pass
    if lock is not None and not held:
        _HELD.discard(lock)
        lock.close()
    try:
        yield
    finally:
        if held:
            _HELD.discard(lock)
            lock_path.unlink(missing_ok=True)  # (before the lock is released: see above)
            lock.close()


# the locks this process holds: a process forked meanwhile (the build's explorer) closes its copies, or it would
# hold the lock until it ends and wait for ever if it asked for the same result itself
_HELD: set = set()


def _close_held() -> None:
    for f in list(_HELD):
        f.close()
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held)
