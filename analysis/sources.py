"""What `load_corpus` reads: folders of .txt/.html files, table exports (CSV, JSONL, Parquet; compressed
or not) and lists of these, turned into records (one dict per article, fields under the corpus's names).

No cleaning happens here; `analysis.corpus` cleans and caches. Bad input raises `CorpusError`
naming the file and the line or row; `collect` (errors="skip") returns it instead, to be listed.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .decoding import CorpusError, decode_bytes
from .paths import RAW_DIR

TEXT_SUFFIXES = {".txt"}
PAGE_SUFFIXES = {".html", ".htm"}
TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".parquet"}
COMPRESSIONS = {".gz", ".xz", ".zst", ".bz2", ".zip"}

# The corpus field ← the column names table exports commonly use for it (first one present wins).
FIELD_NAMES = {
    "doc_id": ["doc_id", "id", "docid", "article_id", "uuid"],
    "title": ["title", "headline", "标题"],
    "date": ["date", "pub_date", "published", "publish_time", "pubtime", "time", "datetime", "日期", "时间"],
    "source": ["source", "site", "media", "outlet", "来源"],
    "author": ["author", "authors", "byline", "作者"],
    "url": ["url", "link", "href"],
    "text": ["text", "content", "body", "article", "正文", "内容"],
    "province": ["province", "省份"],
    "city": ["city", "城市"],
    "org": ["org", "organisation", "organization"],
}


@dataclass
class Unit:
    """One thing to read: a .txt or .html file, or a table file (many records)."""

    path: Path
    kind: str  # "txt", "html" or "table"
    root: Path | None = None  # the folder it was found in (for the metadata.csv beside it)


@dataclass
class Found:
    units: list[Unit] = field(default_factory=list)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (item, problem)


def _kind(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSIONS:
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "txt"
    if last in PAGE_SUFFIXES:
        return "html"
    if last in TABLE_SUFFIXES or (last == ".json" and len(path.suffixes) >= 1):
        return "table"
    return None


def find_units(source=None) -> Found:
    """Every file to read under `source` (default data/raw): a folder (recursively), a file, or a list."""
    found = Found()
    items = [RAW_DIR] if source is None else (list(source) if isinstance(source, (list, tuple)) else [source])
    if not items:
        raise CorpusError("load_corpus: the list of sources is empty")
    for item in items:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if _kind(p) and not any(
                part.startswith(".") for part in p.relative_to(path).parts))
            if not files and any(path.rglob("*.parquet")):
                files = [path]  # a partitioned Parquet dataset
            for p in files:
                if p.is_dir() and p != path:
                    found.bad.append((str(p), "is a folder, not a file (its name ends like an article's)"))
                elif p == path:
                    found.units.append(Unit(p, "table", path))
                elif _kind(p) == "table" and p.name == "metadata.csv":
                    continue
                else:
                    found.units.append(Unit(p, _kind(p), path))
            if not files:
                raise CorpusError(f"{path}: no .txt, .html or table files in this folder")
        elif path.is_file():
            kind = _kind(path)
            if kind is None:
                raise CorpusError(f"{path}: not a source load_corpus reads (a folder, .txt, .html/.htm, "
                                  ".csv, .jsonl/.ndjson or .parquet, optionally .gz/.xz/.zst/.bz2)")
            found.units.append(Unit(path, kind, path.parent))
        else:
            raise CorpusError(f"{path}: no such file or folder")
    return found


# ---------------------------------------------------------------- tables


def table_bytes(path: Path) -> bytes | None:
    """The decompressed bytes of a CSV or JSON-lines file (None for Parquet), for read_table(data=):
    load_corpus's workers read the next table files' bytes while it parses the current one."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in COMPRESSIONS]
    if path.is_dir() or not suffixes or suffixes[-1] == ".parquet":
        return None
    from pandas.io.common import get_handle

    with get_handle(path, "rb", compression="infer", is_text=False) as handle:
        return handle.handle.read()


def _text_of(path: Path, data: bytes | None = None) -> str:
    """A (possibly compressed) text file's content, its encoding sniffed from the bytes like an
    article's (exports from Chinese sites come in GB18030 too); damaged bytes are replaced."""
    if data is None:
        data = table_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_bytes(data, str(path))[0]


def _read_jsonl(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Records of a JSON-lines file (or of its decompressed bytes `data`); lines that do not parse
    are returned as (file:line N, problem)."""
    try:  # the usual case, UTF-8 throughout: pandas decompresses and parses the file itself (least memory)
        source = path if data is None else io.BytesIO(data)
        return pd.read_json(source, lines=True, dtype=False, encoding="utf-8", encoding_errors="strict",
                            compression="infer" if data is None else None), []
    except (ValueError, UnicodeDecodeError):
        pass
    text = _text_of(path, data)
    try:
        return pd.read_json(io.StringIO(text), lines=True, dtype=False), []
    except ValueError:
        pass
    rows, bad = [], []
    for n, line in enumerate(text.split("\n"), start=1):
        parse_json_line(line, f"{path}:line {n}", rows, bad)
    return pd.DataFrame(rows), bad


def parse_json_line(line: str, where: str, rows: list, bad: list) -> None:
    """One line of a JSON-lines file: an object goes to `rows`; a line that does not parse, or is not
    an object, goes to `bad` as (where, problem); a blank line is skipped."""
    if not line.strip():
        return
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        bad.append((where, f"not valid JSON ({exc.msg} at column {exc.colno})"))
        return
    if not isinstance(value, dict):
        bad.append((where, "a JSON line that is not an object"))
        return
    rows.append(value)


def read_table(path: Path, data: bytes | None = None) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A table file (CSV, JSON lines, Parquet file or dataset) and its unreadable lines or rows;
    `data`: the file's decompressed bytes (table_bytes), if read already."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in COMPRESSIONS]
    last = suffixes[-1] if suffixes else ".parquet"
    try:
        if path.is_dir() or last == ".parquet":
            return pd.read_parquet(path), []
        if last == ".csv":
            bad: list[tuple[str, str]] = []
            table = pd.read_csv(io.StringIO(_text_of(path, data)), dtype=str, keep_default_na=False,
                                on_bad_lines=lambda line: bad.append((str(path), f"a CSV row with "
                                                                     f"{len(line)} fields: {line[:3]}…")),
                                engine="python")
            return table, bad
        return _read_jsonl(path, data)
    except CorpusError:
        raise
    except (ValueError, OSError, UnicodeError, EOFError) as exc:
        raise CorpusError(f"{path}: cannot be read as a {last.lstrip('.')} table ({exc})") from None


def map_columns(table: pd.DataFrame, path: Path, columns: dict | None = None) -> pd.DataFrame:
    """Rename a table's columns to the corpus fields: `columns` ({field: column}) first, then the
    common names in FIELD_NAMES. Other columns are kept. A table without a text column is an error."""
    columns = dict(columns or {})
    unknown = [col for col in columns.values() if col not in table.columns]
    if unknown:
        raise CorpusError(f"{path}: columns={columns} names {unknown}, which the table does not have "
                          f"(it has {list(table.columns)})")
    rename = {col: fld for fld, col in columns.items()}
    lower = {str(c).lower(): c for c in table.columns}
    for fld, names in FIELD_NAMES.items():
        if fld in columns or fld in rename.values():
            continue
        for name in names:
            col = lower.get(name.lower())
            if col is not None and col not in rename:
                rename[col] = fld
                break
    if "text" not in rename.values():
        raise CorpusError(f"{path}: no text column (looked for {', '.join(FIELD_NAMES['text'])}; it has "
                          f"{', '.join(map(str, table.columns))}); name it with columns={{'text': '…'}}")
    out = table.rename(columns=rename)
    clash = [c for c in rename if c in out.columns and c not in rename.values()]
    out = out.drop(columns=clash)
    return out


def content_id(text: str) -> str:
    """A stable id for an article that has none: the first 16 hex digits of its text's SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def fingerprint(path: Path) -> str:
    """What identifies a file's version cheaply: path, size and modification time (ns)."""
    st = path.stat() if path.is_file() else None
    if st is None:  # a dataset folder: every file in it
        parts = sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in path.rglob("*") if p.is_file())
        return hashlib.sha1(repr(parts).encode()).hexdigest()
    return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"


# ---------------------------------------------------------------- a written corpus dataset

DATASET_MARKER = "_corpus.json"  # what write_corpus leaves in a folder it wrote (analysis.cluster)


def is_dataset(source) -> bool:
    """A folder written by write_corpus (it holds the marker _corpus.json)."""
    try:
        if source is None or isinstance(source, (list, tuple)):
            return False
        return (Path(source) / DATASET_MARKER).is_file()
    except (TypeError, OSError):
        return False
