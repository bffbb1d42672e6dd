"""Corpora bigger than one machine: a partitioned Parquet corpus, and the heavy stages on a Dask cluster.

`write_corpus(source, out_dir)` cleans any source `load_corpus` reads and writes it as a Parquet dataset
(`part-*.parquet`, each at most `part_mb` of text, plus `_audit/` and the marker `_corpus.json`), streaming:
a table file is read in chunks of rows, a folder in batches of files, so memory holds one chunk at a time.
Such a folder is itself a source for `load_corpus`.

The public functions dispatch here (one line at their top) when they are given a dask DataFrame or a
`client=` (a `dask.distributed.Client`), or when $ANALYSIS_SCHEDULER names a scheduler (`build
--scheduler ADDRESS` sets it): `load_corpus` then returns a dask DataFrame whose partitions live on the
workers; `paragraphs`, `tokenize_corpus`, `code_paragraphs`, `place_mentions`, `place_units`,
`unit_amounts` map the pandas function over partitions (still lazy, still on the cluster);
`term_frequencies` (and so `dfm`, `keyness`), `theme_counts`, `theme_shares`, `paragraph_counts` and
`amounts_by_place` reduce per-partition counts with dask's groupby and return a small pandas table equal to
the pandas path's. Nothing here collects the corpus to the client.

Caches on a cluster: every worker reads and writes the token cache, the load cache and the region cache
under its own $ANALYSIS_CACHE_DIR (default .cache/ in the project): set that variable on the workers to a
folder on shared storage so that all workers (and later runs) share them; without it each machine keeps
its own, which is correct but recomputes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .sources import COMPRESSIONS, CorpusError, Unit, find_units, fingerprint, parse_json_line

__all__ = ["write_corpus", "is_dataset", "is_dask", "default_client", "SCHEDULER_ENV"]

MARKER = "_corpus.json"
SCHEDULER_ENV = "ANALYSIS_SCHEDULER"
CHUNK_ROWS = 2000  # rows of a table file cleaned at a time
FILES_PER_TASK = 500  # .txt/.html files per task when a folder is written on a cluster
COUNT_ROWS = 1000  # rows tokenized at a time inside a partition when counting terms


# ---------------------------------------------------------------- what is dask, where is the cluster


def is_dask(obj) -> bool:
    """A dask collection (DataFrame, Series), recognised without importing dask."""
    return (type(obj).__module__ or "").split(".")[0] in ("dask", "dask_expr")


def scheduler_address() -> str:
    """$ANALYSIS_SCHEDULER, except inside a Dask task (where the pandas functions must stay local)."""
    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if address:
        try:
            from distributed import get_worker

            get_worker()
            return ""
        except (ImportError, ValueError):
            pass
    return address


def wanted(*data, client=None) -> bool:
    """Run on the cluster? A dask argument, a client, or $ANALYSIS_SCHEDULER (`build --scheduler`)."""
    return client is not None or any(is_dask(d) for d in data) or bool(scheduler_address())


_CLIENTS: dict[str, object] = {}


def default_client():
    """The client of the scheduler named by $ANALYSIS_SCHEDULER (`build --scheduler`), or None."""
    address = scheduler_address()
    if not address:
        return None
    client = _CLIENTS.get(address)
    if client is None or getattr(client, "status", "") in ("closed", "closing"):
        from distributed import Client

        client = _CLIENTS[address] = Client(address)
    return client


def _client(client):
    return client if client is not None else default_client()


def _dd():
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - the extra is installed by make test
        raise ImportError("the cluster path needs Dask: pip install -e '.[cluster]'") from exc
    # text columns keep pandas' own string dtype, so cluster results equal the pandas path's exactly
    dask.config.set({"dataframe.convert-string": False})
    return dd


def _to_dask(data, client):
    """`data` as a dask DataFrame (a pandas frame is split into one partition per worker thread)."""
    if is_dask(data):
        return data
    dd = _dd()
    n = max(1, sum(_client(client).nthreads().values())) if _client(client) is not None else 2
    return dd.from_pandas(data.reset_index(drop=True), npartitions=max(1, min(n * 2, len(data))))


def _compute(obj, client):
    client = _client(client)
    return client.compute(obj).result() if client is not None else obj.compute()


def _compute_many(objs, client):
    client = _client(client)
    if client is not None:
        return client.gather(client.compute(objs))
    import dask

    return list(dask.compute(*objs))


# A made-up article row (real prose shapes: a heading, a paragraph naming a place, an amount) on which the
# row-wise functions produce a row, so dask learns their output dtypes without computing a partition.
_SAMPLE = {"doc_id": "sample", "para_no": 1, "section": "", "title": "北京市政协捐赠物资", "province": "北京市",
           "city": "", "unit_no": 1, "place": "东城区", "level": "county", "county": "东城区", "code": "110101",
           "text": "抗击疫情\n东城区政协委员向社区捐赠口罩1万只、资金10万元，支持疫情防控工作。"}


def _meta(func, data, *args, **kwargs):
    """The empty result of `func` with the dtypes it gives on data (what dask needs as `meta`): `func` on
    dask's made-up non-empty partition, else on the empty one."""
    try:
        sample = data._meta_nonempty.head(1).copy()
        for col, value in _SAMPLE.items():
            if col in sample.columns:
                sample[col] = value
        out = func(sample, *args, **kwargs)
        if len(out):
            return out.iloc[:0]
    except Exception:  # noqa: BLE001 - made-up values a rule rejects; the empty partition still works
        pass
    return func(data._meta, *args, **kwargs)


# ---------------------------------------------------------------- reading a table in chunks


def _table_chunks(path: Path, rows: int):
    """(first row number, chunk DataFrame, unreadable lines) of a table file, `rows` at a time."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in COMPRESSIONS]
    last = suffixes[-1] if suffixes else ".parquet"
    first = 1
    try:
        if path.is_dir() or last == ".parquet":
            import pyarrow.dataset as ds

            for batch in ds.dataset(path, format="parquet").to_batches(batch_size=rows):
                if batch.num_rows:
                    yield first, batch.to_pandas(), []
                    first += batch.num_rows
        elif last == ".csv":
            bad: list = []
            reader = pd.read_csv(path, dtype=str, keep_default_na=False, encoding_errors="replace",
                                 on_bad_lines=lambda line: bad.append((str(path), f"a CSV row with "
                                                                      f"{len(line)} fields: {line[:3]}…")),
                                 engine="python", chunksize=rows)
            for chunk in reader:
                yield first, chunk, list(bad)
                bad.clear()
                first += len(chunk)
        else:
            from pandas.io.common import get_handle

            records, bad = [], []
            with get_handle(path, "r", compression="infer", encoding="utf-8", errors="replace") as handle:
                for n, line in enumerate(handle.handle, start=1):
                    parse_json_line(line, f"{path}:line {n}", records, bad)
                    if len(records) >= rows:
                        yield first, pd.DataFrame(records), bad
                        first += len(records)
                        records, bad = [], []
            if records or bad:
                yield first, pd.DataFrame(records), bad
    except (ValueError, OSError, UnicodeError, EOFError) as exc:
        raise CorpusError(f"{path}: cannot be read as a {last.lstrip('.')} table ({exc})") from None


# ---------------------------------------------------------------- one chunk of the corpus


def _base_labels(corpus: pd.DataFrame) -> pd.Series:
    """corpus._label without the " #n" that makes labels unique (added over the whole dataset at the end)."""
    short = [t if len(t) <= 14 else t[:13] + "…" for t in corpus["title"].fillna("")]
    day = corpus["date"].dt.strftime("%Y-%m-%d").fillna("")
    return pd.Series([(f"{s} ({d})" if d else s) if s else i[:16] for s, d, i in zip(short, day, corpus["doc_id"])],
                     index=corpus.index, dtype=object)


def _finish(rows: list[dict], meta: pd.DataFrame, cache: bool) -> pd.DataFrame:
    """What load_corpus does to all rows, done to one chunk (everything but unique labels and ids)."""
    from . import corpus as C
    from . import loadcache

    frame = C._frame(pd.DataFrame(rows))
    for col in C.METADATA_COLUMNS:
        if col in meta.columns:
            curated = frame["doc_id"].map(meta[col]).fillna("")
            frame[col] = curated.where(curated != "", frame[col])
    frame["date"] = C._parse_dates(frame["date"])
    frame["year"] = frame["date"].dt.year.astype("Int64")
    frame["label"] = _base_labels(frame)
    for col in ("n_chars_raw", "n_chars_clean"):
        frame[col] = frame[col].astype(int)
    return loadcache.with_regions(frame, cache=cache)


def _schema(frame: pd.DataFrame):
    """The Parquet schema of a part, the same for every part: types from the column's role, not its values."""
    import pyarrow as pa

    from .corpus import COLUMNS

    def kind(col):
        dtype = frame[col].dtype
        if col == "date":
            return pa.timestamp("us")
        if col not in COLUMNS:
            return pa.large_string()
        if pd.api.types.is_bool_dtype(dtype):
            return pa.bool_()
        if pd.api.types.is_integer_dtype(dtype):
            return pa.int64()
        return pa.large_string()

    return pa.schema([(c, kind(c)) for c in frame.columns]), [c for c in frame.columns if c not in COLUMNS]


def _write_part(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema, extra = _schema(frame)
    frame = frame.copy()
    frame["date"] = frame["date"].astype("datetime64[us]")
    for col in extra:  # extra table columns are kept as text (a column's type may differ between chunks)
        frame[col] = frame[col].map(lambda v: None if v is None or (isinstance(v, float) and v != v) else str(v))
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _write_audit(audit: list[dict], path: Path) -> None:
    from .clean import AUDIT_COLUMNS

    if audit:
        frame = pd.DataFrame(audit, columns=AUDIT_COLUMNS).astype(str)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(path, index=False)


def _write_task(units: list[Unit], task: int, out: str, columns, meta: pd.DataFrame, part_bytes: int,
                chunk_rows: int, cache: bool) -> dict:
    """Clean `units` and write them as parts part-<task>-<k>.parquet of at most `part_bytes` of text.

    Runs on a worker (or locally). Returns a small summary: parts written (name, rows, extra columns),
    bad items and whole-file errors, each naming the file (and line or row) as load_corpus does.
    """
    from .corpus import _table_file, read_unit

    out = Path(out)
    summary = {"parts": [], "bad": [], "errors": []}
    rows: list[dict] = []
    audit: list[dict] = []
    size = 0

    def flush():
        nonlocal rows, audit, size
        if not rows:
            return
        name = f"part-{task:05d}-{len(summary['parts']):05d}.parquet"
        frame = _finish(rows, meta, cache)
        _write_part(frame, out / name)
        _write_audit(audit, out / "_audit" / name)
        summary["parts"].append({"name": name, "rows": len(frame),
                                 "extra": [c for c in frame.columns if c not in _core_columns()]})
        rows, audit, size = [], [], 0

    def add(new_rows, new_audit):
        nonlocal size
        rows.extend(new_rows)
        audit.extend(new_audit)
        size += sum(len(r["text"]) + len(r["raw"]) for r in new_rows) * 3
        if size >= part_bytes:
            flush()

    for unit in units:
        try:
            if unit.kind == "table":
                for first, chunk, unreadable in _table_chunks(unit.path, chunk_rows):
                    bad: list = list(unreadable)
                    if len(chunk):
                        got, got_audit = _table_file(unit, columns, bad, table=chunk, first_row=first)
                        add(got, got_audit)
                    summary["bad"].extend(bad)
            else:
                got, got_audit, bad = read_unit(unit, columns)
                add(got, got_audit)
                summary["bad"].extend(bad)
        except CorpusError as exc:
            summary["errors"].append((str(unit.path), str(exc)))
    flush()
    return summary


def _core_columns():
    from .corpus import COLUMNS

    return COLUMNS


# ---------------------------------------------------------------- the dataset


def is_dataset(source) -> bool:
    """A folder written by write_corpus (it holds the marker _corpus.json)."""
    try:
        return not isinstance(source, (list, tuple)) and source is not None and (Path(source) / MARKER).is_file()
    except (TypeError, OSError):
        return False


def _marker(path) -> dict:
    return json.loads((Path(path) / MARKER).read_text(encoding="utf-8"))


def write_corpus(source, out_dir, *, columns: dict | None = None, errors: str = "raise", part_mb: float = 16,
                 chunk_rows: int = CHUNK_ROWS, cache: bool = True, client=None, progress: bool = True) -> Path:
    """Clean `source` (anything load_corpus reads) and write it to `out_dir` as a partitioned Parquet corpus.

    The same columns, cleaning, regions and audit as `load_corpus(source, columns=, errors=)`; parts
    `part-*.parquet` hold at most about `part_mb` MB of text each (default 16: about 5,000 news items, a
    worker's peak under 1 GB in every stage) (in row order: file by file, row by
    row), `_audit/` the cleaning audit and `_corpus.json` what was written. Streams: a table file is
    cleaned `chunk_rows` rows at a time, so memory holds one part, never the corpus. With `client=` (or
    $ANALYSIS_SCHEDULER) files are cleaned on the cluster's workers, which must see `source` and
    `out_dir` at the same paths (shared storage). Extra table columns are stored as text.
    errors: "raise" (the first bad file or row, by name, raises CorpusError and nothing is written) or
    "skip" (listed in the audit as rule "skipped", and warned about once).
    Reposts are not dropped here (dedupe needs the whole corpus): pass dedupe=True when loading.
    Returns the dataset's path; `load_corpus(path)` reads it.
    """
    import warnings

    from .corpus import _metadata_for

    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    out = Path(out_dir).absolute()
    found = find_units(source)
    client = _client(client)
    if client is not None:  # workers resolve relative paths against their own folder: make them absolute
        for unit in found.units:
            unit.path, unit.root = unit.path.absolute(), unit.root.absolute() if unit.root else None
    bad = list(found.bad)
    if bad and errors == "raise":
        raise CorpusError(f"{bad[0][0]}: {bad[0][1]}")
    meta = _metadata_for(u.root for u in found.units if u.root is not None)
    tasks, batch = [], []
    for unit in found.units:  # a table file is a task; .txt/.html files go FILES_PER_TASK to a task
        if unit.kind == "table":
            if batch:
                tasks.append(batch)
                batch = []
            tasks.append([unit])
        else:
            batch.append(unit)
            if len(batch) >= FILES_PER_TASK:
                tasks.append(batch)
                batch = []
    if batch:
        tasks.append(batch)
    tmp = out.with_name(out.name + ".writing")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    part_bytes = int(part_mb * 1e6)
    args = (str(tmp), columns, meta, part_bytes, chunk_rows, cache)
    try:
        if client is not None:
            futures = client.map(_write_task, tasks, range(len(tasks)), *[[a] * len(tasks) for a in args],
                                 pure=False)
            summaries = client.gather(futures)
        else:
            from tqdm.auto import tqdm

            summaries = [_write_task(t, i, *args)
                         for i, t in enumerate(tqdm(tasks, desc="writing", unit="task",
                                                    disable=not progress or len(tasks) < 2))]
        for s in summaries:
            for item, error in s["errors"]:
                if errors == "raise":
                    raise CorpusError(error)
                bad.append((item, error.removeprefix(f"{item}: ")))
            if s["bad"] and errors == "raise":
                raise CorpusError(f"{s['bad'][0][0]}: {s['bad'][0][1]}")
            bad.extend(tuple(b) for b in s["bad"])
        parts = [p for s in summaries for p in s["parts"]]
        if not parts:
            raise CorpusError(f"{source}: no article could be loaded" +
                              "".join(f"\n{item}: {why}" for item, why in bad[:10]))
        _finish_dataset(tmp, parts, client)
        if bad:
            _write_audit([{"doc_id": i, "step": 0, "rule": "skipped", "removed": w, "replacement": ""}
                          for i, w in bad], tmp / "_audit" / "skipped.parquet")
            first = "\n".join(f"{item}: {why}" for item, why in bad[:10])
            warnings.warn(f"skipped {len(bad)} file(s) or row(s):\n{first}", stacklevel=2)
        extra = list(dict.fromkeys(c for p in parts for c in p["extra"]))
        (tmp / MARKER).write_text(json.dumps({
            "format": "analysis corpus dataset 1", "source": [str(u.path) for u in found.units],
            "rows": sum(p["rows"] for p in parts), "parts": [p["name"] for p in parts], "extra_columns": extra,
            "skipped": len(bad)}, ensure_ascii=False, indent=1), encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    os.replace(tmp, out)
    return out


def _relabel(path: str, labels: list[str], extra: list[str]) -> None:
    frame = pd.read_parquet(path)
    frame["label"] = labels
    for col in extra:
        if col not in frame.columns:
            frame[col] = None
    _write_part(frame, Path(path))


def _finish_dataset(root: Path, parts: list[dict], client) -> None:
    """What needs the whole corpus, from two small columns: unique doc_ids, unique labels (the " #n"
    of corpus._label, in row order), and every part carrying every extra column."""
    import pyarrow.parquet as pq

    seen_ids: dict[str, str] = {}
    seen: Counter = Counter()
    extra = list(dict.fromkeys(c for p in parts for c in p["extra"]))
    todo = []
    for part in parts:
        table = pq.read_table(root / part["name"], columns=["doc_id", "label", "file"])
        ids, base, files = (table.column(c).to_pylist() for c in ("doc_id", "label", "file"))
        for doc_id, file in zip(ids, files):
            if doc_id in seen_ids:
                raise CorpusError(f"doc_id {doc_id!r} is used twice: {seen_ids[doc_id]} and {file} (ids must be "
                                  "unique; rename a file or fix the id column)")
            seen_ids[doc_id] = file
        labels = []
        for lab in base:
            seen[lab] += 1
            labels.append(lab if seen[lab] == 1 else f"{lab} #{seen[lab]}")
        if labels != base or set(extra) - set(part["extra"]):
            todo.append((str(root / part["name"]), labels))
    if client is not None:
        client.gather(client.map(_relabel, [t[0] for t in todo], [t[1] for t in todo], [extra] * len(todo)))
    else:
        for path, labels in todo:
            _relabel(path, labels, extra)


def dataset_files(path) -> list[str]:
    return [str(Path(path) / name) for name in _marker(path)["parts"]]


def read_dataset(path, *, dedupe: bool = False) -> pd.DataFrame:
    """A written corpus dataset as load_corpus returns it (pandas, in memory), with its audit."""
    from . import loadcache
    from .clean import AUDIT_COLUMNS

    path = Path(path)
    corpus = pd.concat([pd.read_parquet(f) for f in dataset_files(path)], ignore_index=True)
    audits = sorted((path / "_audit").glob("*.parquet"))
    skipped = [a for a in audits if a.name == "skipped.parquet"]
    frames = [pd.read_parquet(a) for a in audits if a.name != "skipped.parquet"] + [pd.read_parquet(a) for a in skipped]
    audit = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=AUDIT_COLUMNS)
    audit["step"] = audit["step"].astype(int)
    log = []
    if dedupe:
        from .duplicates import drop_duplicates

        corpus, log = drop_duplicates(corpus)
        corpus = corpus.reset_index(drop=True)
    audit = pd.concat([audit, pd.DataFrame(log, columns=AUDIT_COLUMNS)], ignore_index=True) if log else audit
    loadcache.remember_audit(corpus, audit[AUDIT_COLUMNS])
    return corpus


def _dataset_for(source, columns, errors, cache, client) -> Path:
    """The dataset of `source` in the cache (cache_dir("datasets"), shared storage on a cluster),
    written on the cluster when the source or the cleaning rules changed."""
    from .loadcache import rules_version
    from .paths import cache_dir

    units = find_units(source).units
    key = hashlib.sha1(json.dumps([[fingerprint(u.path) for u in units], sorted((columns or {}).items()),
                                   errors, rules_version()]).encode()).hexdigest()[:20]
    path = cache_dir("datasets") / key
    if not is_dataset(path):
        write_corpus(source, path, columns=columns, errors=errors, cache=cache, client=client, progress=False)
    return path


def load_corpus(source=None, *, columns=None, errors="raise", dedupe=False, cache=True, progress=True,
                client=None):
    """load_corpus on a cluster (a dask DataFrame, one partition per part) or from a written dataset."""
    explicit = client is not None
    client = _client(client)
    if client is None:  # a dataset folder read in this process
        return read_dataset(source, dedupe=dedupe)
    path = Path(source) if is_dataset(source) else _dataset_for(source, columns, errors, cache, client)
    if not explicit:  # $ANALYSIS_SCHEDULER (build --scheduler): cleaned on the cluster, given to the notebook
        return read_dataset(path, dedupe=dedupe)  # as pandas, so the notebooks run unchanged
    if dedupe:
        raise NotImplementedError("dedupe=True needs the whole corpus in one process; on a cluster, drop "
                                  "near-duplicates before writing the dataset")
    return read_dask(path)


def _read_part(path: str) -> pd.DataFrame:
    return pd.read_parquet(path)


def read_dask(path) -> object:
    """A written corpus dataset as a dask DataFrame: one partition per part file, read by the workers."""
    import pyarrow.parquet as pq

    files = dataset_files(path)
    meta = pq.read_schema(files[0]).empty_table().to_pandas()
    return _dd().from_map(_read_part, files, meta=meta, enforce_metadata=False)


# ---------------------------------------------------------------- row-wise stages: map over partitions


def map_rows(func, data, *args, client=None, **kwargs):
    """`func(partition, *args, **kwargs)` on every partition of `data` (lazy; a dask DataFrame).
    For functions whose rows depend only on their own article (paragraphs, code_paragraphs, ...)."""
    ddf = _to_dask(data, client)
    return ddf.map_partitions(func, *args, meta=_meta(func, ddf, *args, **kwargs), **kwargs)


def _tokens_part(texts: pd.Series, kwargs: dict) -> pd.Series:
    from .paths import cache_dir
    from .segment import tokenize_corpus

    kwargs = dict(kwargs)
    kwargs.setdefault("cache_dir", cache_dir("tokens"))  # the worker's $ANALYSIS_CACHE_DIR
    kwargs.update(workers=1, progress=False)
    return pd.Series(tokenize_corpus(texts.fillna("").astype(str), **kwargs), index=texts.index, dtype=object)


def tokenize_corpus(texts, client=None, **kwargs):
    """Token lists of a dask Series of texts, as a dask Series (object: one list per text), on the workers."""
    series = texts if is_dask(texts) else _to_dask(pd.Series(list(texts), name="text").to_frame(), client)["text"]
    return series.map_partitions(_tokens_part, kwargs, meta=pd.Series(dtype=object, name=series.name))


# ---------------------------------------------------------------- term frequencies


def _by_list(by) -> list[str]:
    return [] if by is None else ([by] if isinstance(by, str) else list(by))


def _with_columns(ddf, cols, corpus):
    """Bring `cols` the data lacks from `corpus` by doc_id (a dask merge when corpus is dask)."""
    missing = [c for c in cols if c not in ddf.columns]
    if not missing:
        return ddf
    if corpus is None or any(c not in corpus.columns for c in missing) or "doc_id" not in ddf.columns:
        raise KeyError(f"no column {missing[0]!r} in the data (pass corpus= to look it up by doc_id)")
    return ddf.merge(corpus[["doc_id"] + missing], on="doc_id", how="left")


def _count_part(part: pd.DataFrame, cols: list[str], text_col: str, tokens, min_chars: int, tok: dict):
    """(group..., term, count, docs, total) of one partition; total = tokens of the group in it."""
    keys = list(part[cols].itertuples(index=False, name=None)) if cols else [()] * len(part)
    counts: dict = {}
    docs: dict = {}
    for start in range(0, len(part), COUNT_ROWS):  # token lists of COUNT_ROWS rows at a time: memory stays flat
        rows = part.iloc[start:start + COUNT_ROWS]
        toks = list(rows[tokens]) if isinstance(tokens, str) else list(_tokens_part(rows[text_col], tok))
        if min_chars > 1:
            toks = [[t for t in ts if len(t) >= min_chars] for ts in toks]
        for key, ts in zip(keys[start:start + COUNT_ROWS], toks):
            counts.setdefault(key, Counter()).update(ts)
            docs.setdefault(key, Counter()).update(set(ts))
    rows = [key + (term, n, docs[key][term]) for key, c in counts.items() for term, n in c.items()]
    out = pd.DataFrame(rows, columns=cols + ["term", "count", "docs"])
    for col in cols:
        out[col] = out[col].astype(part[col].dtype) if len(part) else out[col]
    return out.astype({"term": object, "count": "int64", "docs": "int64"})


def term_frequencies(data, by=None, *, top=None, client=None, tokens=None, text_col="text", corpus=None,
                     min_chars=1, **tok):
    """terms.term_frequencies on a cluster: per-partition Counters summed by dask; a pandas table."""
    cols = _by_list(by)
    if tokens is not None and not isinstance(tokens, str):
        if is_dask(data):
            raise TypeError("with a dask DataFrame, tokens= must name a column of token lists")
        data = (data if isinstance(data, pd.DataFrame) else pd.DataFrame({text_col: list(data)})).assign(
            __tokens__=list(tokens))  # lists the notebook already has travel with their rows
        tokens = "__tokens__"
    if not is_dask(data) and not isinstance(data, pd.DataFrame):
        data = pd.DataFrame({text_col: list(data)})
    ddf = _with_columns(_to_dask(data, client), cols, corpus)
    keep = list(dict.fromkeys(cols + [tokens if isinstance(tokens, str) else text_col]))
    ddf = ddf[keep]
    meta = _count_part(ddf._meta, cols, text_col, tokens, min_chars, tok)
    partial = ddf.map_partitions(_count_part, cols, text_col, tokens, min_chars, tok, meta=meta)
    summed = partial.groupby(cols + ["term"], dropna=False, sort=False)[["count", "docs"]].sum()
    table = _compute(summed, client).reset_index()
    from .terms import frequency_table

    groups = table.groupby(cols, sort=True, dropna=False) if cols else [((), table)]
    return frequency_table(groups, cols, top, dtypes={c: ddf[c].dtype for c in cols})


# ---------------------------------------------------------------- themes


def _group_part(part: pd.DataFrame, by: str, corpus, ids: list[str], merged: bool) -> pd.DataFrame:
    from .themes import _with_group

    if merged:  # the article column was merged in from a dask corpus
        g = part.assign(group=part["date"].dt.year.astype("Int64") if by == "year" else part[by])
    else:
        g = _with_group(part, by, corpus)
    out = g[["group"] + ids].copy()
    out[ids] = out[ids].astype("int64")
    out["n_paragraphs"] = np.int64(1)
    return out


def theme_table(coded, by="doc_id", corpus=None, codebook=None, client=None) -> pd.DataFrame:
    """Per group of `by` (sorted): paragraphs carrying each theme, and n_paragraphs; one pass over the data."""
    from .themes import theme_ids

    ddf = _to_dask(coded, client)
    ids = theme_ids(ddf._meta, codebook)
    merged = False
    if by not in ddf.columns and is_dask(corpus):
        col = "date" if by == "year" else by
        ddf = ddf[["doc_id"] + ids]  # only what the counts need travels through the merge
        ddf = ddf.merge(corpus[["doc_id", col]], on="doc_id", how="left")
        merged, corpus = True, None
    args = (by, corpus, ids, merged)
    partial = ddf.map_partitions(_group_part, *args, meta=_group_part(ddf._meta, *args))
    table = _compute(partial.groupby("group", dropna=False).sum(), client).sort_index()
    table.index.name = by
    return table


def _counts_and_sizes(table: pd.DataFrame, by: str) -> tuple[pd.DataFrame, pd.Series]:
    """theme_table's result as (themes x groups counts, paragraphs per group)."""
    ids = [c for c in table.columns if c != "n_paragraphs"]
    counts = table[ids].T.astype(int)
    counts.columns.name = by
    n = table["n_paragraphs"].astype(int).rename("n_paragraphs")
    n.index.name = by
    return counts, n


def theme_counts(coded, by="doc_id", corpus=None, codebook=None, client=None) -> pd.DataFrame:
    return _counts_and_sizes(theme_table(coded, by, corpus, codebook, client), by)[0]


def paragraph_counts(coded, by="doc_id", corpus=None, client=None) -> pd.Series:
    return _counts_and_sizes(theme_table(coded, by, corpus, None, client), by)[1]


def theme_shares(coded, by="doc_id", corpus=None, codebook=None, client=None) -> pd.DataFrame:
    counts, n = _counts_and_sizes(theme_table(coded, by, corpus, codebook, client), by)
    return counts.div(n, axis=1)


# ---------------------------------------------------------------- places and amounts


def _regions_part(part: pd.DataFrame) -> pd.DataFrame:
    from .places import infer_region

    return infer_region(part)[["doc_id", "province", "city"]]


def _mentions_part(part: pd.DataFrame) -> pd.DataFrame:
    from .places import place_mentions

    regions = part[["doc_id", "province"]].drop_duplicates("doc_id").assign(city="", title="", text="")
    paras = part.drop(columns=["province"])
    return place_mentions(paras, regions)


def place_mentions(paras, corpus, client=None):
    """place_mentions on a cluster: a dask DataFrame of mentions (lazy), rows as the pandas path's."""
    paras = _to_dask(paras, client)
    regions = _to_dask(corpus, client).map_partitions(
        _regions_part, meta=pd.DataFrame({"doc_id": pd.Series(dtype="str"), "province": pd.Series(dtype="str"),
                                          "city": pd.Series(dtype="str")}))
    merged = paras.merge(regions[["doc_id", "province"]], on="doc_id", how="left")
    merged = merged.assign(province=merged["province"].fillna(""))
    return merged.map_partitions(_mentions_part, meta=_mentions_part(merged._meta))


def _units_part(part: pd.DataFrame, paras_cols) -> pd.DataFrame:
    from .places import place_units

    if paras_cols is None:
        return place_units(part)
    corpus = part[["doc_id", "province", "city"]].drop_duplicates("doc_id").assign(title="", text="")
    paras = part[paras_cols].sort_values(["doc_id", "para_no"], kind="mergesort")
    return place_units(corpus, paras)


def place_units(corpus, paras=None, client=None):
    """place_units on a cluster (a dask DataFrame). Articles are whole in a partition (as written); given
    paragraphs are brought to their article's region by doc_id."""
    corpus = _to_dask(corpus, client)
    if paras is None:
        return corpus.map_partitions(_units_part, None, meta=_units_part(corpus._meta, None))
    paras = _to_dask(paras, client)
    regions = corpus.map_partitions(_regions_part, meta=_regions_part(corpus._meta))
    merged = paras.merge(regions, on="doc_id", how="left")
    merged = merged.assign(province=merged["province"].fillna(""), city=merged["city"].fillna(""))
    cols = list(paras.columns)
    return merged.map_partitions(_units_part, cols, meta=_units_part(merged._meta, cols))


def unit_amounts(units, client=None):
    from .amounts import unit_amounts as local

    return map_rows(local, units, client=client)


def _by_place_part(units: pd.DataFrame, amounts: pd.DataFrame, by: str) -> pd.DataFrame:
    from .amounts import amounts_by_place as local

    return local(units, amounts, by)


def amounts_by_place(units, amounts, by="city", client=None) -> pd.DataFrame:
    """amounts_by_place on a cluster: units and amounts hashed by doc_id into the same partitions, the pandas
    function on each pair, its sums and counts added up by dask; a pandas table sorted by `by`."""
    units, amounts = _to_dask(units, client), _to_dask(amounts, client)
    n = max(units.npartitions, amounts.npartitions)
    units, amounts = units.shuffle("doc_id", npartitions=n), amounts.shuffle("doc_id", npartitions=n)
    meta = _by_place_part(units._meta, amounts._meta, by)
    partial = units.map_partitions(_by_place_part, amounts, by, meta=meta, align_dataframes=False)
    table = _compute(partial.groupby(by, dropna=False).sum(), client).sort_index()
    ints = {c: int for c in table.columns if pd.api.types.is_integer_dtype(meta[c]) or c.startswith("n_")}
    return table.astype(ints).reset_index()


# ---------------------------------------------------------------- theme shares with intervals

from .dispatch import register  # noqa: E402


def _article_part(part: pd.DataFrame, by: str, corpus, ids: list[str], merged: bool) -> pd.DataFrame:
    out = _group_part(part, by, corpus, ids, merged)
    out.insert(1, "doc_id", part["doc_id"].to_numpy())
    return out


@register("article_theme_table")
def article_theme_table(coded, by="doc_id", corpus=None, *, codebook=None, client=None) -> pd.DataFrame:
    """intervals.article_theme_table on a cluster: per (group, article) paragraphs and theme counts, summed
    by dask into one small pandas table (a row per article) that the resampling then uses."""
    from .themes import theme_ids

    ddf = _to_dask(coded, client)
    ids = theme_ids(ddf._meta, codebook)
    merged = False
    if by not in ddf.columns and is_dask(corpus):
        col = "date" if by == "year" else by
        ddf = ddf[["doc_id"] + ids].merge(corpus[["doc_id", col]], on="doc_id", how="left")
        merged, corpus = True, None
    args = (by, corpus, ids, merged)
    partial = ddf.map_partitions(_article_part, *args, meta=_article_part(ddf._meta, *args))
    table = _compute(partial.groupby(["group", "doc_id"]).sum(), client).sort_index()
    table.index.names = [by, "doc_id"]
    return table[ids + ["n_paragraphs"]]


@register("theme_share_intervals")
def theme_share_intervals(coded, by="doc_id", corpus=None, *, level=0.95, n_boot=1000, seed=0, client=None,
                          codebook=None, method="wilson") -> pd.DataFrame:
    """intervals.theme_share_intervals on a cluster: the per-article counts made there, resampled here."""
    from .intervals import intervals_from_table

    table = article_theme_table(coded, by, corpus, codebook=codebook, client=client)
    return intervals_from_table(table, by, level, n_boot, seed, method)
