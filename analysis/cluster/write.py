"""`write_corpus`: any source `load_corpus` reads, cleaned and written as a partitioned Parquet corpus
(`part-*.parquet`, `_audit/`, the marker `_corpus.json`), streaming: a table file in chunks of rows, a folder
in batches of files, on the cluster's workers when there is a client.
"""
from __future__ import annotations

import json
import os
import shutil
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

from ..clean import AUDIT_COLUMNS
from ..corpus.articles import COLUMNS, METADATA_COLUMNS, _table_file, read_unit
from ..corpus.load import _frame, _metadata_for, _parse_dates
from ..corpus.regions import with_regions
from ..sources import COMPRESSIONS, CorpusError, Unit, find_units, parse_json_line
from ..sources import DATASET_MARKER as MARKER
from .client import _client

CHUNK_ROWS = 2000  # rows of a table file cleaned at a time
FILES_PER_TASK = 500  # .txt/.html files per task when a folder is written on a cluster


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
    """corpus.load._label without the " #n" that makes labels unique (added over the whole dataset at the end)."""
    short = [t if len(t) <= 14 else t[:13] + "…" for t in corpus["title"].fillna("")]
    day = corpus["date"].dt.strftime("%Y-%m-%d").fillna("")
    return pd.Series([(f"{s} ({d})" if d else s) if s else i[:16] for s, d, i in zip(short, day, corpus["doc_id"])],
                     index=corpus.index, dtype=object)


def _finish(rows: list[dict], meta: pd.DataFrame, cache: bool) -> pd.DataFrame:
    """What load_corpus does to all rows, done to one chunk (everything but unique labels and ids)."""
    frame = _frame(pd.DataFrame(rows))
    for col in METADATA_COLUMNS:
        if col in meta.columns:
            curated = frame["doc_id"].map(meta[col]).fillna("")
            frame[col] = curated.where(curated != "", frame[col])
    frame["date"] = _parse_dates(frame["date"])
    frame["year"] = frame["date"].dt.year.astype("Int64")
    frame["label"] = _base_labels(frame)
    for col in ("n_chars_raw", "n_chars_clean"):
        frame[col] = frame[col].astype(int)
    return with_regions(frame, cache=cache)


def _schema(frame: pd.DataFrame):
    """The Parquet schema of a part, the same for every part: types from the column's role, not its values."""
    import pyarrow as pa

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
    return COLUMNS


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

