"""Load articles from any source into one table: decode, clean, attach metadata, infer regions, cache.

`load_corpus()` gives one row per article; `paragraphs()` one row per paragraph, the unit of
analysis, with the section heading it stands under. Sources are read by `sources.py`; every source
gets the same cleaning (`clean.py`) and the same audit (`cleaning_audit`).
"""
from __future__ import annotations

import hashlib
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import cluster as _cluster
from . import loadcache
from .clean import AUDIT_COLUMNS, CJK, clean_document, clean_field, ends_sentence
from .paths import METADATA_FILE, RAW_DIR
from .sources import CorpusError, Unit, content_id, find_units, map_columns, read_table

__all__ = ["CorpusError", "COLUMNS", "decode_bytes", "read_text", "load_corpus", "paragraphs", "read_metadata"]

COLUMNS = [
    "doc_id", "title", "subtitle", "date", "year", "source", "author", "province", "city", "org",
    "url", "original_title", "label", "region_inferred", "region_ambiguous", "encoding", "format", "file",
    "n_chars_raw", "n_chars_clean", "text", "raw",
]
# What metadata.csv (or a table's own columns) may set; it wins over what a header says.
METADATA_COLUMNS = ["title", "subtitle", "date", "source", "author", "province", "city", "org", "url"]
_STRING_COLUMNS = [c for c in COLUMNS if c not in ("date", "year", "region_inferred", "region_ambiguous",
                                                  "n_chars_raw", "n_chars_clean")]

# A decoding that has to replace more than this share of its characters is refused as undecodable;
# below it the damaged bytes are replaced (U+FFFD), removed in cleaning and logged in the audit.
MAX_DAMAGED_SHARE = 0.02
MIN_CJK_SHARE = 0.2


# ---------------------------------------------------------------- reading bytes

_CJK_RE = re.compile(f"[{CJK}]")
_SPACE_RE = re.compile(r"\s")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cjk_share(text: str) -> float:
    visible = len(text) - len(_SPACE_RE.findall(text))
    return len(_CJK_RE.findall(text)) / visible if visible else 0.0


_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]


def _damage(text: str) -> float:
    return text.count("\ufffd") / max(1, len(text))


# Bytes that UTF-8 text never holds (NUL, C0, C1, F5-FF) and a byte-order mark past the start: a
# stray one inserted into UTF-8 (even inside a character) is taken out before decoding, so the
# character around it survives, and put back as a mark at that character boundary (NUL, U+FEFF,
# U+FFFD for the others) for cleaning to remove and log.
_STRAY = re.compile(rb"\x00|\xef\xbb\xbf|[\xc0\xc1\xf5-\xff]")


def _without_stray_bytes(data: bytes) -> str | None:
    """UTF-8 damaged by a few stray inserted bytes, decoded with the strays as marks; None otherwise."""
    strays = [m for m in _STRAY.finditer(data) if m.start() > 0 or m.group() != b"\xef\xbb\xbf"]
    if not strays or len(strays) > max(3, len(data) * 0.002):
        return None
    parts, marks, start = [], [], 0
    for m in strays:
        parts.append(data[start:m.start()])
        start = m.end()
        marks.append((sum(map(len, parts)), _MARKS.get(m.group(), "\ufffd")))
    parts.append(data[start:])
    kept = b"".join(parts)
    text = kept.decode("utf-8", errors="replace")
    if text.count("\ufffd") > max(3, len(text) * 0.002):
        return None
    # each mark goes to the character boundary at or before where its stray byte was
    for at, mark in reversed(marks):
        pos = len(kept[:at].decode("utf-8", errors="ignore"))
        text = text[:pos] + mark + text[pos:]
    return text


_MARKS = {b"\x00": "\x00", b"\xef\xbb\xbf": "\ufeff"}


def _guess(data: bytes) -> tuple[str, str]:
    """Decode bytes with no BOM: strict UTF-8; UTF-8 with a few damaged bytes; else the Chinese legacy
    encodings charset-normalizer picks (strict), else the one of them with the fewest damaged bytes."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: its line ends, digits and ASCII punctuation carry NUL bytes (ASCII letters
    # read as UTF-16 can look like CJK ideographs, so a file without NULs is never taken for it)
    if len(data) % 2 == 0 and data.count(0) * 200 >= len(data):
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _cjk_share(text) >= 0.3:
                return text, enc
    repaired = _without_stray_bytes(data)
    if repaired is not None:
        return repaired, "utf-8"
    as_utf8 = data.decode("utf-8", errors="replace")
    # Real UTF-8 with a flipped bit, a cut tail or a stray byte: a handful of bad sequences in a
    # text that is otherwise valid UTF-8 (legacy Chinese bytes are almost never valid UTF-8).
    if as_utf8.count("\ufffd") <= max(3, len(as_utf8) * 0.002):
        return as_utf8, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "big5hkscs"]).best()
    if best is not None:
        return str(best), best.encoding
    options = [(data.decode(enc, errors="replace"), enc) for enc in ("gb18030", "big5")]
    options.append((as_utf8, "utf-8"))
    return min(options, key=lambda o: (_damage(o[0]), -_cjk_share(o[0])))


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return (text, encoding). Raises CorpusError naming `name`.

    A byte-order mark decides first, then strict UTF-8, then UTF-8 with a few damaged bytes, then
    the encodings Chinese news files come in (GB18030/GBK, Big5; UTF-16 without BOM). Damaged bytes
    become U+FFFD (cleaning removes them and the audit says where): one bad byte never costs the
    article. Refused: an empty file, a file mostly undecodable (more than 2 % replaced), and a result
    that is not mostly Chinese (binary data, another language, a wrong guess).
    """
    if not data.strip(b" \t\r\n\x00"):
        raise CorpusError(f"{name}: the file is empty")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text, encoding = data.decode(enc, errors="replace"), enc
            if enc == "utf-8-sig" and "\ufffd" in text:
                text = _without_stray_bytes(data[len(bom):]) or text
            break
    else:
        text, encoding = _guess(data)
    damaged, share = _damage(text), _cjk_share(text)
    controls = len(_CONTROL_RE.findall(text)) / max(1, len(text))
    if damaged > MAX_DAMAGED_SHARE or share < MIN_CJK_SHARE or controls > MAX_DAMAGED_SHARE:
        kind = "a binary file" if controls > MAX_DAMAGED_SHARE or (data.count(0) > 2 and damaged > MAX_DAMAGED_SHARE) \
            else ("mostly undecodable" if damaged > MAX_DAMAGED_SHARE else "not Chinese text")
        raise CorpusError(
            f"{name}: cannot be decoded as Chinese text: {kind} (best guess {encoding}: {damaged:.0%} of the "
            f"characters undecodable, {share:.0%} Chinese; tried UTF-8, GB18030/GBK, Big5, UTF-16)"
        )
    return text, encoding


def read_text(path: str | Path) -> str:
    """The text of one file, whatever its encoding (UTF-8 ± BOM, GB18030/GBK, Big5, UTF-16)."""
    path = Path(path)
    return decode_bytes(path.read_bytes(), str(path))[0]


# ---------------------------------------------------------------- metadata


def read_metadata(path: str | Path | None = None) -> pd.DataFrame:
    """data/metadata.csv (or `path`): one row per doc_id with curated facts; empty frame if absent."""
    path = Path(path) if path else METADATA_FILE
    if not path.exists():
        return pd.DataFrame(columns=["doc_id"])
    meta = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
    if "doc_id" not in meta.columns:
        raise CorpusError(f"{path}: needs a doc_id column (the file stem of each article)")
    return meta.set_index("doc_id", drop=False)


def _metadata_for(roots) -> pd.DataFrame:
    frames = []
    for root in dict.fromkeys(roots):
        for candidate in (root / "metadata.csv", root.parent / "metadata.csv"):
            if candidate.exists():
                frames.append(read_metadata(candidate))
                break
    if not frames:
        return pd.DataFrame(columns=["doc_id"])
    meta = pd.concat(frames)
    return meta[~meta.index.duplicated(keep="first")]


# ---------------------------------------------------------------- both cores

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
    Dask tasks (analysis/cluster.py)."""
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


# ---------------------------------------------------------------- one article


def _article(doc_id: str, body: str, *, item: str, header: bool, fields: dict, raw, encoding: str,
             fmt: str, file: str) -> tuple[dict, list[dict]]:
    """Clean one article body; return (row, audit rows). Raises CorpusError naming `item`."""
    if not body.strip():
        raise CorpusError(f"{item}: the article text is empty")
    for key in ("title", "subtitle", "original_title"):  # as the text is written: simplified, NFKC
        if isinstance(fields.get(key), str) and fields[key]:
            fields = {**fields, key: clean_field(fields[key], doc_id)}
    cleaned = clean_document(body, doc_id, header=header, title=fields.get("title", ""))
    if not cleaned.lines:
        raise CorpusError(f"{item}: nothing is left after removing site chrome and the header: "
                          "the file holds no article body")
    row = dict.fromkeys(_STRING_COLUMNS, "")
    row.update({k: v for k, v in cleaned.meta.items() if v})
    row.update({k: v for k, v in fields.items() if v is not None and v == v and v != ""})
    if isinstance(row.get("date"), pd.Timestamp):
        row["date"] = row["date"].isoformat()
    row.update(doc_id=doc_id, encoding=encoding, format=fmt, file=file, raw=raw, text=cleaned.text,
               n_chars_raw=len(raw), n_chars_clean=len(cleaned.text))
    return row, cleaned.audit


def _text_file(unit: Unit) -> tuple[list[dict], list[dict]]:
    data = unit.path.read_bytes()
    text, encoding = decode_bytes(data, str(unit.path))
    row, audit = _article(unit.path.stem, text, item=str(unit.path), header=True, fields={}, raw=text,
                          encoding=encoding, fmt="txt", file=str(unit.path))
    return [row], audit


def _page_file(unit: Unit) -> tuple[list[dict], list[dict]]:
    from .pages import extract_page

    data = unit.path.read_bytes()
    page = extract_page(data, str(unit.path))
    fields = {k: page.get(k) for k in ("title", "subtitle", "date", "author", "source", "url")}
    raw = page.get("html") or data.decode(page.get("encoding") or "utf-8", errors="replace")
    row, audit = _article(unit.path.stem, page["text"], item=str(unit.path), header=False, fields=fields,
                          raw=raw, encoding=page.get("encoding", ""), fmt="html", file=str(unit.path))
    return [row], audit


def _table_file(unit: Unit, columns: dict | None, bad: list, table: pd.DataFrame | None = None,
                first_row: int = 1) -> tuple[list[dict], list[dict]]:
    items = table_items(unit, columns, bad, table, first_row)
    size = table_step(len(items))
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    rows, audit = [], []
    for chunk_rows, chunk_audit, chunk_bad in map_chunks(_clean_rows, chunks, workers_for(len(items))):
        rows += chunk_rows
        audit += chunk_audit
        bad += chunk_bad
    return rows, audit


def table_step(rows: int) -> int:
    """Rows per chunk when a table's rows are cleaned on several processes: 16 chunks, at least 500 rows."""
    return max(500, -(-rows // 16))


def table_items(unit: Unit, columns: dict | None, bad: list, table: pd.DataFrame | None = None,
                first_row: int = 1, data: bytes | None = None) -> list[tuple]:
    """A table file's rows as items for `_clean_rows`: (where, doc_id, text, fields, known fields, file).
    Unreadable lines go to `bad`; `table` is given when the caller read the file (a chunk of it that
    starts at row `first_row`, in write_corpus), `data` when it read its bytes (sources.table_bytes)."""
    table, known, extra = prepare_table(unit, columns, bad, table, data)
    return frame_items(table, known, extra, str(unit.path), first_row)


def prepare_table(unit: Unit, columns: dict | None, bad: list, table: pd.DataFrame | None = None,
                  data: bytes | None = None) -> tuple[pd.DataFrame, list[str], list[str]]:
    """A table file read (unless `table` is given), its columns named as corpus fields and its other
    columns made storable (nested values as JSON text, mixed types as text): (table, the metadata
    fields it has, its other columns). frame_items then makes items of it, or of any slice of it."""
    if table is None:
        table, unreadable = read_table(unit.path, data)
        bad.extend(unreadable)
    table = map_columns(table, unit.path, columns)
    extra = [c for c in table.columns if c not in COLUMNS]
    for col in extra:  # nested values (lists, dicts) as JSON text; mixed types as text
        dtype = table[col].dtype
        if isinstance(dtype, pd.StringDtype) or (isinstance(dtype, np.dtype) and dtype.kind in "biufcmM"):
            continue  # one scalar type throughout: nothing to convert (and no Python call per value)
        values = table[col].dropna()
        if values.map(lambda v: isinstance(v, (list, dict, tuple))).any():
            table[col] = table[col].map(lambda v: v if v is None or isinstance(v, str) else json.dumps(
                v if not hasattr(v, "tolist") else v.tolist(), ensure_ascii=False))
        elif values.map(type).nunique() > 1:
            table[col] = table[col].map(lambda v: v if v is None or v != v else str(v))
    return table, [c for c in METADATA_COLUMNS if c in table.columns], extra


def frame_items(table: pd.DataFrame, known: list[str], extra: list[str], file: str, first_row: int = 1) -> list[tuple]:
    """Items for `_clean_rows` of a prepared table (or a slice of it that starts at row `first_row`)."""
    texts = table["text"].where(table["text"].notna(), "").astype(str)
    ids = table["doc_id"].astype(str) if "doc_id" in table.columns else texts.map(content_id)
    fields = table[known + extra]  # each row's fields as a dict, as to_dict("records") makes it (missing
    values = [_field_values(fields.iloc[:, j]) for j in range(fields.shape[1])]  # values None, numpy scalars
    names = fields.columns.tolist()  # as Python ones), built column by column at three times its speed
    records = [dict(zip(names, row)) for row in zip(*values)] if names else [{} for _ in range(len(table))]
    return [(f"{file}:row {n} (id {doc_id})", doc_id, text, fields, known, file)
            for n, (doc_id, text, fields) in enumerate(zip(ids.tolist(), texts.tolist(), records), start=first_row)]


def _field_values(column: pd.Series) -> list:
    """A column's values as Python objects, a missing value (None, NaN, NaT, pd.NA) as None."""
    values = column.astype(object).where(column.notna(), None).tolist()
    if column.dtype == object:  # numpy scalars kept in an object column become Python ones, as to_dict does
        values = [_native(v) if isinstance(v, np.generic) else v for v in values]
    return values


def _native(value):
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return value.item()


def _clean_rows(items: list) -> tuple[list, list, list]:
    """Clean a batch of table rows: (rows, audit rows, bad rows)."""
    rows, audit, bad = [], [], []
    for item, doc_id, text, fields, known, file in items:
        for key in known:
            fields[key] = "" if fields[key] is None else str(fields[key])
        try:
            row, rows_audit = _article(doc_id, text, item=item, header=False, fields=fields, raw=text,
                                       encoding="", fmt="table", file=file)
        except CorpusError as exc:
            bad.append((item, str(exc).removeprefix(item + ": ")))
            continue
        rows.append(row)
        audit.extend(rows_audit)
    return rows, audit, bad


def read_unit(unit: Unit, columns: dict | None = None) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    """Rows, audit rows and bad items (item, problem) of one file; a whole-file problem raises."""
    bad: list[tuple[str, str]] = []
    if unit.kind == "table":
        rows, audit = _table_file(unit, columns, bad)
    elif unit.kind == "html":
        rows, audit = _page_file(unit)
    else:
        rows, audit = _text_file(unit)
    return rows, audit, bad


# ---------------------------------------------------------------- the corpus


def _label(titles: pd.Series, dates: pd.Series, ids: pd.Series) -> pd.Series:
    """A short readable name per article: the title cut to 14 characters and the date; unique."""
    short = [t if len(t) <= 14 else t[:13] + "…" for t in titles.fillna("").tolist()]
    day = dates.dt.strftime("%Y-%m-%d").fillna("")
    labels = [(f"{s} ({d})" if d else s) if s else i[:16] for s, d, i in zip(short, day.tolist(), ids.tolist())]
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        out.append(lab if seen[lab] == 1 else f"{lab} #{seen[lab]}")
    return pd.Series(out, index=titles.index)


def _parse_dates(values: pd.Series) -> pd.Series:
    values = values.where(values.notna() & (values.astype(str) != ""), None)
    out = pd.to_datetime(values, errors="coerce", format="ISO8601")
    todo = out.isna() & values.notna()
    if todo.any():
        out[todo] = pd.to_datetime(values[todo].astype(str), errors="coerce", format="mixed")
    return out


_STR = pd.Series(dtype="str").dtype  # what .astype("str") gives


def _frame(corpus: pd.DataFrame) -> pd.DataFrame:
    for col in COLUMNS:
        if col not in corpus.columns:
            corpus[col] = "" if col in _STRING_COLUMNS else None
    for col in _STRING_COLUMNS:  # one string dtype whether the rows were just cleaned or read from the cache
        if corpus[col].dtype != _STR or corpus[col].hasnans:  # (a copy of `text` and `raw` is not cheap)
            corpus[col] = corpus[col].fillna("").astype("str")
    extra = [c for c in corpus.columns if c not in COLUMNS]
    for col in extra:
        if corpus[col].dtype == object and corpus[col].map(lambda v: v is None or isinstance(v, str)).all():
            corpus[col] = corpus[col].astype("str")
    return corpus[COLUMNS + extra]


def load_corpus(source=None, *, columns: dict | None = None, errors: str = "raise", dedupe: bool = False,
                cache: bool = True, progress: bool = True, client=None) -> pd.DataFrame:
    """One row per article: metadata, clean `text` (simplified script, paragraphs joined by "\\n"), `raw`.

    source: a folder (searched recursively for .txt and .html/.htm files, any encoding), a table file
        (.csv, .jsonl/.ndjson, .parquet or a Parquet dataset folder; .gz/.xz/.zst/.bz2 as pandas
        infers), or a list of these; default data/raw. A data/metadata.csv beside (or above) a folder
        adds curated facts per doc_id, which win over what a header or table says.
    columns: {corpus field: table column}, e.g. {"text": "正文", "date": "发布时间"}; without it the
        common names are recognised (id/doc_id, title, date/pub_date/published/time, source/site/
        media, author, url, text/content/body, province, city, org). Other table columns are kept.
    errors: "raise" stops at the first bad file or row with a CorpusError naming it (file, line or
        row and id); "skip" loads the rest, warns once with the count and the first items, and lists
        them in `cleaning_audit(corpus)` (rule "skipped").
    dedupe: drop reposts (`near_duplicates` ≥ 0.8), keeping the earliest of each group; the audit
        lists what was dropped (rule "duplicate").
    cache: reuse the cleaned rows of unchanged files (.cache/corpus or $ANALYSIS_CACHE_DIR); a changed
        file, cleaning rule or rule file re-cleans exactly the files it affects.

    Columns: doc_id, title, subtitle, date (datetime), year (Int64), source, author, province, city,
    org, url, original_title, label (short unique name), region_inferred (True where province/city
    came from `infer_region`, because neither metadata nor the source gave a province),
    region_ambiguous (the inferred region rests only on names several places share), encoding,
    format (txt/html/table), file, n_chars_raw, n_chars_clean, text, raw, then any extra table columns.
    client: a dask.distributed.Client: clean on its workers and return a dask DataFrame. With only
        $ANALYSIS_SCHEDULER set (build --scheduler) the workers clean and the corpus comes back as pandas.
        A folder written by `write_corpus` is read as it is (see analysis/cluster.py).
    """
    if client is not None or _cluster.is_dataset(source) or _cluster.scheduler_address():
        return _cluster.load_corpus(source, columns=columns, errors=errors, dedupe=dedupe, cache=cache,
                                    progress=progress, client=client)
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    found = find_units(source)
    bad = list(found.bad)
    if bad and errors == "raise":
        raise CorpusError(f"{bad[0][0]}: {bad[0][1]}")
    units = found.units
    key = loadcache.corpus_key(units, bad, (sorted((columns or {}).items()), errors, dedupe)) if cache else None
    cached = loadcache.read_corpus(key) if key else None
    if cached is not None:
        corpus, audit = cached
        skipped = audit[audit["rule"] == "skipped"]
        _warn_skipped(list(zip(skipped["doc_id"], skipped["removed"])))
        loadcache.remember_audit(corpus, audit)
        return corpus
    bar = tqdm(total=len(units), desc="loading", unit="file", disable=not progress or len(units) < 50)
    rows, audit, unit_bad, failed = loadcache.load_units(units, columns, read_unit, bar, cache=cache)
    bar.close()
    for n, message in failed:
        if errors == "raise":
            raise CorpusError(message)
        path = str(units[n].path)
        bad.append((path, message.removeprefix(f"{path}: ")))
    if unit_bad and errors == "raise":
        raise CorpusError(f"{unit_bad[0][0]}: {unit_bad[0][1]}")
    bad.extend(unit_bad)
    rows = _unique_ids(rows, errors, bad)
    hints = rows.pop("_region").tolist() if "_region" in rows.columns else None
    _warn_skipped(bad)
    if not len(rows):
        raise CorpusError(f"{source or RAW_DIR}: no article could be loaded" +
                          ("".join(f"\n{item}: {why}" for item, why in bad[:10]) if bad else ""))
    corpus = _frame(rows.drop(columns="_unit"))
    meta = _metadata_for(u.root for u in units if u.root is not None)
    for col in METADATA_COLUMNS:
        if col in meta.columns:
            curated = corpus["doc_id"].map(meta[col]).fillna("")
            corpus[col] = curated.where(curated != "", corpus[col])
    corpus["date"] = _parse_dates(corpus["date"])
    corpus["year"] = corpus["date"].dt.year.astype("Int64")
    corpus["label"] = _label(corpus["title"], corpus["date"], corpus["doc_id"])
    for col in ("n_chars_raw", "n_chars_clean"):
        corpus[col] = corpus[col].astype(int)
    corpus = loadcache.with_regions(corpus, cache=cache, hints=hints, trusted=not len(meta))
    log = [{"doc_id": item, "step": 0, "rule": "skipped", "removed": why, "replacement": ""} for item, why in bad]
    if dedupe:
        from .duplicates import drop_duplicates

        corpus, dropped = drop_duplicates(corpus)
        log += dropped
    corpus = corpus.reset_index(drop=True)
    audit = pd.concat([audit[AUDIT_COLUMNS], pd.DataFrame(log, columns=AUDIT_COLUMNS)], ignore_index=True)
    audit = audit.astype({"doc_id": "str", "rule": "str", "removed": "str", "replacement": "str", "step": "int64"})
    if key:
        loadcache.save_corpus(key, corpus, audit)
    loadcache.remember_audit(corpus, audit)
    return corpus


def _warn_skipped(bad: list[tuple[str, str]]) -> None:
    """One warning for everything a load skipped: the count and the first ten (item: problem)."""
    if not bad:
        return
    first = "\n".join(f"{item}: {why}" for item, why in bad[:10])
    more = f"\n… and {len(bad) - 10} more (all in cleaning_audit(corpus), rule 'skipped')" if len(bad) > 10 else ""
    warnings.warn(f"skipped {len(bad)} file(s) or row(s):\n{first}{more}", stacklevel=3)


def _unique_ids(rows: pd.DataFrame, errors: str, bad: list) -> pd.DataFrame:
    """The rows with unique doc_ids: a second use of an id raises naming both files, or (errors="skip")
    is skipped and listed."""
    if not len(rows):
        return rows
    dup = rows["doc_id"].duplicated(keep="first")
    if not dup.any():
        return rows
    first_file = rows.drop_duplicates("doc_id").set_index("doc_id")["file"]
    for doc_id, file in zip(rows.loc[dup, "doc_id"], rows.loc[dup, "file"]):
        problem = (f"doc_id {doc_id!r} is used twice: {first_file[doc_id]} and {file} (ids must be unique; "
                   "rename a file or fix the id column)")
        if errors == "raise":
            raise CorpusError(problem)
        bad.append((f"{file} (id {doc_id})", problem))
    return rows[~dup].reset_index(drop=True)


# ---------------------------------------------------------------- paragraphs


def is_heading(line: str) -> bool:
    """A section heading: a short line (≤ 40 characters) that does not end like a sentence."""
    line = line.strip()
    return 0 < len(line) <= 40 and not ends_sentence(line) and "。" not in line


_SENTENCE_END_RE = re.compile(r"[。!?;…][”’\"')》」』]*$")


def paragraphs(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph: doc_id, para_no (from 1), section (the heading above it), text.

    A heading (`is_heading`: 40 characters or fewer, no sentence end, no 。) is not a paragraph; it
    names the section of the paragraphs under it. On a large corpus (2,000 articles or more) the table
    is kept in the cache (.cache/paragraphs) under a digest of the doc_id and text columns and this
    code, so the same corpus is split once; a dask DataFrame is split on the cluster's workers,
    partition by partition.
    """
    if _cluster.is_dask(corpus):
        return _cluster.map_rows(paragraphs, corpus)
    if len(corpus) < PARALLEL_MIN_ITEMS:
        return _paragraphs(corpus)
    from .loadcache import column_digest, memo_frame

    key = [Path(__file__).read_bytes(), str(corpus["doc_id"].dtype), column_digest(corpus["doc_id"].astype(str)),
           column_digest(corpus["text"].fillna("").astype(str))]
    return memo_frame("paragraphs", key, lambda: _paragraphs_parallel(corpus))


def _paragraphs_parallel(corpus: pd.DataFrame) -> pd.DataFrame:
    """_paragraphs on slices of the corpus, on every core; the slices' frames (Arrow columns) come back
    as buffers and are put together in order."""
    frame = corpus[["doc_id", "text"]]
    size = -(-len(frame) // 8)
    jobs = [(k, k + size) for k in range(0, len(frame), size)]
    parts = map_chunks(_paragraphs_slice, jobs, workers_for(len(frame)), shared=frame)
    return pd.concat(parts, ignore_index=True)


def _paragraphs_slice(job, frame: pd.DataFrame) -> pd.DataFrame:
    start, stop = job
    return _paragraphs(frame.iloc[start:stop])


def _paragraphs(corpus: pd.DataFrame) -> pd.DataFrame:
    # one plain loop over the lines: twice as fast as pandas' split/explode/str methods here
    ids, nos, sections, texts = [], [], [], []
    ends_sentence = _SENTENCE_END_RE.search
    for doc_id, text in zip(corpus["doc_id"].tolist(), corpus["text"].fillna("").tolist()):
        section, n = "", 0
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            if len(line) <= 40 and "。" not in line and not ends_sentence(line):
                section = line
                continue
            n += 1
            ids.append(doc_id)
            nos.append(n)
            sections.append(section)
            texts.append(line)
    return pd.DataFrame({"doc_id": pd.array(ids, dtype=corpus["doc_id"].dtype), "para_no": np.array(nos, dtype=np.int64),
                         "section": pd.array(sections, dtype="str"), "text": pd.array(texts, dtype="str")})


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
