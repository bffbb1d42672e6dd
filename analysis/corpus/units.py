"""Every file of a load: its rows from the load cache where they are current (`cache.py`), the others read
and cleaned (`articles.py`) on one pool of forked processes that serves the whole load, with the regions of
fresh rows inferred where they are cleaned (`regions.py`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import parallel
from ..clean import AUDIT_COLUMNS
from ..freshness import settled
from ..sources import CorpusError, Unit, fingerprint, table_bytes
from .articles import _clean_rows, frame_items, prepare_table, table_step
from .cache import _bucket, _Entry, rules_version
from .regions import _known_regions, _region_hints


def load_units(units: list[Unit], columns: dict | None, read, bar=None, cache: bool = True):
    """Every unit's rows, audit rows and bad items, from the cache where it is current.

    Returns (rows, audit, bad, errors): rows and audit as DataFrames in unit order (column `_unit`
    = the unit's position), bad as [(item, problem)], errors as [(unit position, message)] for
    whole-file problems. `read(unit, columns)` computes a file of a folder; a table file is read here
    and its rows cleaned in chunks (`_compute`); a whole-file CorpusError is cached too, so cold and
    warm loads report the same. Fresh rows carry `_region` (see `_region_hints`) for with_regions.
    """
    version = rules_version()
    entries: dict[Path, _Entry] = {}
    fps: dict[Path, set] = {}
    plan = []  # (position, unit, entry, fp, cached?)
    for n, unit in enumerate(units):
        bucket = _bucket(unit)
        entry = entries.setdefault(bucket, _Entry(bucket, columns, version, cache))
        fp = fingerprint(unit.path)
        fps.setdefault(bucket, set()).add(fp)
        plan.append((n, unit, entry, fp, entry.has(fp)))
    fresh = _compute([(n, unit, fp) for n, unit, _, fp, hit in plan if not hit], columns, read, cache)
    try:
        rows, audit, bad, errors = _gather(plan, fresh, fps, bar)
    finally:
        fresh.close()  # its worker processes end here
    return rows, audit, bad, errors


def _gather(plan: list, fresh, fps: dict, bar):
    entries = {id(entry): entry for _, _, entry, _, _ in plan}
    fresh_rows: dict[int, list] = {}  # per entry: one frame each, so an entry keeps only its own columns
    fresh_audit: list = []
    bad, errors = [], []
    taken: dict[int, tuple[_Entry, list, list]] = {}
    for n, _unit, entry, fp, hit in plan:
        if hit:
            message = entry.fatal(fp)
            if message:
                errors.append((n, message))
            else:
                got = taken.setdefault(id(entry), (entry, [], []))
                for name, store in (("rows", got[1]), ("audit", got[2])):
                    pos = entry.index[name].get(fp)
                    if pos is not None:
                        store.append((n, pos))
                pos = entry.index["bad"].get(fp)
                if pos is not None:
                    part = entry.bad.iloc[pos]
                    bad += list(zip(part["item"], part["problem"]))
        else:
            result = next(fresh)
            if isinstance(result, CorpusError):
                entry.put(fp, fatal=str(result))
                errors.append((n, str(result)))
            else:
                entry.put(fp, bad=result[2])
                fresh_rows.setdefault(id(entry), []).extend(result[0])
                fresh_audit += result[1]
                bad += result[2]
        if bar is not None:
            bar.update()
    fresh_log = pd.concat([pd.DataFrame(columns=AUDIT_COLUMNS + ["_unit", "_fp"])] + fresh_audit, ignore_index=True)
    del fresh_audit
    row_parts = []
    for entry in entries.values():
        parts = fresh_rows.pop(id(entry), [])
        rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if len(rows):
            row_parts.append(rows.drop(columns="_fp"))
        if entry.new and entry.use:
            log = fresh_log["_fp"].isin(entry.new)
            entry.save(fps[entry.bucket], rows.drop(columns=["_unit", "_region"], errors="ignore"),
                       fresh_log[log].drop(columns="_unit"))
    audit_parts = [fresh_log.drop(columns="_fp")]
    for entry, rows, audit in taken.values():
        for frame, picks, parts in ((entry.rows, rows, row_parts), (entry.audit, audit, audit_parts)):
            if picks:
                pos = np.concatenate([p for _, p in picks])
                unit = np.concatenate([np.full(len(p), n) for n, p in picks])
                parts.append(frame.iloc[pos].drop(columns="_fp").assign(_unit=unit))
    rows = pd.concat(row_parts, ignore_index=True) if row_parts else pd.DataFrame()
    audit = pd.concat(audit_parts, ignore_index=True)[AUDIT_COLUMNS + ["_unit"]]
    if len(rows):
        rows = rows.sort_values("_unit", kind="stable", ignore_index=True)
    audit = audit.sort_values("_unit", kind="stable", ignore_index=True)
    audit = audit.astype({"doc_id": "str", "rule": "str", "removed": "str", "replacement": "str", "step": "int64"})
    return rows, audit, bad, errors


def _compute(todo: list[tuple[int, Unit, str]], columns: dict | None, read, cache: bool = True):
    """The units not in the cache (position, unit, fingerprint), read and cleaned: an iterator of results
    in `todo` order, each ([row frames], [audit frames], bad items) or the CorpusError that failed the
    file. The frames carry `_unit` (the position) and `_fp` (the fingerprint); a batch of folder files
    shares one frame, given with its first file.

    One pool of forked workers (every core, when the load is large) serves the whole load: the files
    of folders go out in batches first, then each table file is read and parsed here (the smallest first)
    and its rows go out in chunks, so the workers clean one file while this process reads the next; the
    results become frames here as they arrive, while the workers go on. Small loads run here, with no
    process started."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from functools import partial

    cores = parallel.workers_for(parallel.PARALLEL_MIN_ITEMS)  # 1 inside a Dask worker
    pool = None
    files = [(n, unit, fp) for n, unit, fp in todo if unit.kind != "table"]
    hint_roots = {unit.root for _, unit, _ in todo if not _has_metadata(unit.root)}
    known = _known_regions() if hint_roots and cache else frozenset()  # regions the cache has already

    def submit(func, arg, big: bool):
        nonlocal pool
        if cores <= 1 or not big:
            return _Now(partial(func, known=known), arg)
        if pool is None:
            method = "fork" if "fork" in mp.get_all_start_methods() else None
            pool = ProcessPoolExecutor(cores, mp_context=mp.get_context(method), initializer=_set_known,
                                       initargs=(known,))
        return pool.submit(func, arg)

    size = max(50, -(-len(files) // 32))
    batches = []  # of one folder each: a batch's frame goes to that folder's cache entry
    for k in range(0, len(files), size):
        batches += _runs(files[k:k + size], lambda f: _bucket(f[1]))
    jobs = []  # (future, what it is for)
    for batch in batches:
        future = submit(_read_many, [(unit, columns, read, unit.root in hint_roots) for _, unit, _ in batch],
                        len(files) >= parallel.PARALLEL_MIN_ITEMS)
        jobs.append((future, ("files", batch)))
    results: dict[int, object] = {n: ([], [], []) for n, _, _ in todo}
    tables = sorted(((n, unit, fp) for n, unit, fp in todo if unit.kind == "table"), key=lambda t: _size(t[1].path))
    # several big table files: the workers, idle until the first is parsed, read (decompress) the next
    # ones meanwhile (up to three ahead); this process parses each from those bytes
    early = cores > 1 and len(tables) > 1 and sum(_size(unit.path) for _, unit, _ in tables) >= PREFETCH_MIN_BYTES
    try:
        ahead = {k: submit(_bytes, tables[k][1].path, True) for k in (1, 2) if early and k < len(tables)}
        for k, (n, unit, fp) in enumerate(tables):  # the smallest first: the workers start on it while the
            data = ahead.pop(k).result() if k in ahead else None  # bigger ones are read
            if early and k + 3 < len(tables):
                ahead[k + 3] = submit(_bytes, tables[k + 3][1].path, True)
            try:
                table, fields, extra = prepare_table(unit, columns, results[n][2], data=data)
            except CorpusError as exc:
                results[n] = exc
                continue
            del data
            hint = unit.root in hint_roots
            step = table_step(len(table))
            for start in range(0, len(table), step):  # slices of the table (Arrow columns: pickled as buffers)
                job = (table.iloc[start:start + step], fields, extra, str(unit.path), start + 1, hint)
                future = submit(_clean_chunk, job, len(table) >= parallel.PARALLEL_MIN_ITEMS)
                jobs.append((future, ("table", n, fp)))
        pieces = [_frames(f.result(), what) if isinstance(f, _Now) else None for f, what in jobs]
        running = {f: k for k, (f, _) in enumerate(jobs) if not isinstance(f, _Now)}
        for future in as_completed(running):  # made into frames as they come, put in order below
            k = running[future]
            pieces[k] = _frames(future.result(), jobs[k][1])
        for piece in pieces:
            for n, got in piece:
                if isinstance(got, CorpusError):
                    results[n] = got
                else:
                    for mine, new in zip(results[n], got):
                        mine.extend(new)
        for n, _, _ in todo:
            yield results.pop(n)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


PREFETCH_MIN_BYTES = 2_000_000  # table files on disk (compressed or not): about 2,000 articles and more


def _bytes(path: Path, known=None) -> bytes | None:
    """A table file's decompressed bytes, or None (then read_table reads it, and reports what fails).
    `known` is not used: _compute's submit gives it to every job it runs in this process."""
    try:
        return table_bytes(path)
    except (OSError, EOFError, ValueError):
        return None


def _runs(items: list, key) -> list[list]:
    """`items` cut into runs of consecutive items with the same key."""
    runs: list[list] = []
    for item in items:
        if runs and key(runs[-1][-1]) == key(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _frames(result, what: tuple) -> list[tuple[int, object]]:
    """A finished job as [(unit position, CorpusError or ([row frames], [audit frames], bad items))],
    rows and audit rows tagged with `_unit` and `_fp`; a batch of folder files gives one frame, with
    its first file."""
    rows, audit, out = [], [], []
    if what[0] == "files":
        for (n, _, fp), got in zip(what[1], result):
            if isinstance(got, CorpusError):
                out.append((n, got))
                continue
            for r in got[0]:
                r["_unit"], r["_fp"] = n, fp
            for a in got[1]:
                a["_unit"], a["_fp"] = n, fp
            rows += got[0]
            audit += got[1]
            out.append((n, ([], [], got[2])))
    else:  # a table slice: frames made on the worker
        _, n, fp = what
        rows, audit, bad = result
        tagged = [frame.assign(_unit=n, _fp=fp) for frame in (rows, audit)]
        return [(n, ([tagged[0]] if len(rows) else [], [tagged[1]] if len(audit) else [], bad))]
    first = next((got for _, got in out if not isinstance(got, CorpusError)), None)
    if first is not None:
        if rows:
            first[0].append(pd.DataFrame(rows))
        if audit:
            first[1].append(pd.DataFrame(audit, columns=AUDIT_COLUMNS + ["_unit", "_fp"]))
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    except OSError:
        return 0


class _Now:
    """A computation done at once, with the Future method load_units uses."""

    def __init__(self, func, arg):
        self.value = func(arg)

    def result(self):
        return self.value


def _has_metadata(root: Path | None) -> bool:
    return root is not None and ((root / "metadata.csv").is_file() or (root.parent / "metadata.csv").is_file())


_WORKER_KNOWN: frozenset = frozenset()  # in a load's worker process: the region keys the cache has


def _set_known(keys: frozenset) -> None:
    global _WORKER_KNOWN
    _WORKER_KNOWN = keys


def _read_many(jobs: list, known: frozenset | None = None) -> list:
    known = _WORKER_KNOWN if known is None else known
    out = []
    with settled():  # the rule files' digests read once per batch
        for unit, columns, read, hint in jobs:
            try:
                result = read(unit, columns)
            except CorpusError as exc:
                out.append(exc)
                continue
            if hint:
                _region_hints(result[0], known)
            out.append(result)
    return out


def _clean_chunk(job, known: frozenset | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Clean a slice of a prepared table (corpus.prepare_table) with region hints for the articles whose
    region `known` (the region cache's keys) lacks: (rows, audit rows) as frames, made here on the
    worker, and the bad rows."""
    table, fields, extra, file, first_row, hint = job
    with settled():  # the rule files' digests read once per chunk, not at every article
        rows, audit, bad = _clean_rows(frame_items(table, fields, extra, file, first_row))
        if hint:
            _region_hints(rows, _WORKER_KNOWN if known is None else known)
    return pd.DataFrame(rows), pd.DataFrame(audit, columns=AUDIT_COLUMNS), bad
