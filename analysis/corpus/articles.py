"""One file or one table row into a cleaned article row: the text decoded, the fields a page or a table gives
written like the text, every cleaning rule run (`analysis.clean`), and the audit of what they removed.

`read_unit(unit)` gives a file's rows, audit rows and bad items; a table's rows become items
(`table_items`, `frame_items`) cleaned in chunks (`_clean_rows`), on every core for a large table.
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ..clean import clean_document, clean_field
from ..decoding import decode_bytes
from ..parallel import map_chunks, workers_for
from ..sources import CorpusError, Unit, content_id, map_columns, read_table

COLUMNS = [
    "doc_id", "title", "subtitle", "date", "year", "source", "author", "province", "city", "org",
    "url", "original_title", "label", "region_inferred", "region_ambiguous", "encoding", "format", "file",
    "n_chars_raw", "n_chars_clean", "text", "raw",
]
# What metadata.csv (or a table's own columns) may set; it wins over what a header says.
METADATA_COLUMNS = ["title", "subtitle", "date", "source", "author", "province", "city", "org", "url"]
_STRING_COLUMNS = [c for c in COLUMNS if c not in ("date", "year", "region_inferred", "region_ambiguous",
                                                  "n_chars_raw", "n_chars_clean")]


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
    from ..pages import extract_page

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

