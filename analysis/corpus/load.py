"""`load_corpus`: every file of a source into one table, one row per article, from the load cache where it is
current; curated metadata (metadata.csv) over what a header or table says; dates, years, short labels and
inferred regions; the reposts dropped on request; the audit kept for `cleaning_audit`.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from ..clean import AUDIT_COLUMNS
from ..dispatch import call, scheduler_address
from ..duplicates import drop_duplicates
from ..paths import METADATA_FILE, RAW_DIR
from ..sources import CorpusError, find_units, is_dataset
from .articles import _STRING_COLUMNS, COLUMNS, METADATA_COLUMNS, read_unit
from .audit import remember_audit
from .cache import corpus_key, read_corpus, save_corpus
from .regions import with_regions
from .units import load_units


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
        A folder written by `write_corpus` is read as it is (see analysis/cluster/).
    """
    if client is not None or is_dataset(source) or scheduler_address():
        return call("load_corpus", source, columns=columns, errors=errors, dedupe=dedupe, cache=cache,
                    progress=progress, client=client)
    if errors not in ("raise", "skip"):
        raise ValueError("errors must be 'raise' or 'skip'")
    found = find_units(source)
    bad = list(found.bad)
    if bad and errors == "raise":
        raise CorpusError(f"{bad[0][0]}: {bad[0][1]}")
    units = found.units
    key = corpus_key(units, bad, (sorted((columns or {}).items()), errors, dedupe)) if cache else None
    cached = read_corpus(key) if key else None
    if cached is not None:
        corpus, audit = cached
        skipped = audit[audit["rule"] == "skipped"]
        _warn_skipped(list(zip(skipped["doc_id"], skipped["removed"])))
        remember_audit(corpus, audit)
        return corpus
    bar = tqdm(total=len(units), desc="loading", unit="file", disable=not progress or len(units) < 50)
    rows, audit, unit_bad, failed = load_units(units, columns, read_unit, bar, cache=cache)
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
    corpus = with_regions(corpus, cache=cache, hints=hints, trusted=not len(meta))
    log = [{"doc_id": item, "step": 0, "rule": "skipped", "removed": why, "replacement": ""} for item, why in bad]
    if dedupe:
        corpus, dropped = drop_duplicates(corpus)
        log += dropped
    corpus = corpus.reset_index(drop=True)
    audit = pd.concat([audit[AUDIT_COLUMNS], pd.DataFrame(log, columns=AUDIT_COLUMNS)], ignore_index=True)
    audit = audit.astype({"doc_id": "str", "rule": "str", "removed": "str", "replacement": "str", "step": "int64"})
    if key:
        save_corpus(key, corpus, audit)
    remember_audit(corpus, audit)
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

