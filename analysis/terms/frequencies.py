"""Term frequencies per group (`term_frequencies`, long format, cached for large inputs) and the
document-feature matrix (`dfm`, groups x terms) built from them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd

from ..dispatch import call, wanted
from ..freshness import code_digest
from ..memo import column_digest, memo_frame
from ..segment import _stopset, count_corpus
from .inputs import _by_list, _groups, _with_by, _with_tokens


def term_frequencies(data, by=None, *, top: int | None = None, **kwargs) -> pd.DataFrame:
    """Term counts per group, long format: one row per (group, term).

    Columns: the `by` columns, term, count, per_1k (occurrences per 1,000 tokens of the group),
    docs (rows of the group containing the term: articles, or paragraphs if the data is
    paragraphs), rank (1 = most frequent in its group). Sorted by group, then count, then term.
    by: None for the whole data, a column name, or a list of names.
    top: keep the `top` most frequent terms of each group.
    kwargs: tokens=, text_col=, corpus=, min_chars=, and tokenize_corpus options (drop_genre=...).

    From texts (no tokens=) with the token cache on, the table itself is cached too
    (.cache/term_frequencies), keyed by the texts, the groups, the options, the lexicon, the
    stopword lists and this code: the same count on unchanged data is read, not recounted.
    client= or a dask DataFrame: counted on the cluster's workers (also for dfm and keyness).
    """
    if wanted(data, kwargs.get("corpus"), client=kwargs.get("client")):
        return call("term_frequencies", data, by, top=top, **kwargs)
    kwargs.pop("client", None)
    key = _memo_key(data, by, top, kwargs)
    if key is not None:
        return memo_frame("term_frequencies", key, lambda: _term_frequencies(data, by, top=top, **kwargs))
    return _term_frequencies(data, by, top=top, **kwargs)


def _memo_key(data, by, top, kwargs) -> list | None:
    """What a term_frequencies table depends on, or None when it is not worth caching (tokens given,
    cache off, groups looked up in another table, a small input)."""
    if kwargs.get("tokens") is not None or not kwargs.get("cache", True) or kwargs.get("corpus") is not None:
        return None
    if not isinstance(data, pd.DataFrame) or len(data) < 1000:
        return None
    cols = _by_list(by)
    text_col = kwargs.get("text_col", "text")
    if text_col not in data.columns or any(c not in data.columns for c in cols):
        return None
    from ..segment import _stopset, lexicon_hash

    options = {k: v for k, v in kwargs.items() if k not in ("progress", "workers")}
    # the stopwords as the count will drop them: the default lists and the active study's own, read by the same
    # functions (an edit of any of them misses); the user dictionary and the segmenter's code via lexicon_hash
    stop = _stopset(options.get("stopwords", True), options.get("drop_genre", True))
    parts: list = [code_digest("terms.frequencies"),
                   lexicon_hash(options.get("user_dict"), options.get("engine", "rjieba")),
                   "\n".join(sorted(stop)), repr(sorted(options.items())), repr(cols), repr(top)]
    parts += [column_digest(data[text_col].fillna("").astype(str))]
    parts += [column_digest(data[c].astype(str)) for c in cols]
    return parts


def _term_frequencies(data, by=None, *, top: int | None = None, **kwargs) -> pd.DataFrame:
    cols = _by_list(by)
    if kwargs.get("tokens") is not None:
        df = _with_tokens(data, by, **kwargs)
        parts = []
        for key, lists in _groups(df, by):
            counts, docs = _count(lists)
            terms = list(counts)
            parts.append((key, pd.DataFrame({"term": terms, "count": [counts[t] for t in terms],
                                             "docs": [docs[t] for t in terms]})))
        return frequency_table(parts, cols, top, dtypes={c: df[c].dtype for c in cols})
    # From texts: the content tokens as the cache holds them, counted group by group while they are
    # segmented (segment.count_corpus: no token lists for the whole corpus), then stopwords and short
    # terms dropped from the counts, once per term rather than once per token: the same table.
    min_chars = kwargs.pop("min_chars", 1)
    stop = _stopset(kwargs.pop("stopwords", True), kwargs.pop("drop_genre", True))
    text_col = kwargs.pop("text_col", "text")
    df = _with_by(data, by, kwargs.pop("corpus", None), keep=[text_col])
    if text_col not in df.columns:
        raise KeyError(f"no text column {text_col!r}; pass text_col= or tokens=")
    kwargs.pop("joined", None)
    kwargs.pop("tokens", None)  # tokens=None: from the texts, as without it
    kwargs.setdefault("progress", False)
    codes, keys = _group_codes(df, cols)
    counted = count_corpus(df[text_col].fillna("").astype(str).tolist(), codes, **kwargs)
    if stop:
        counted = counted[~counted["term"].isin(list(stop))]
    if min_chars > 1:
        counted = counted[counted["term"].str.len() >= min_chars]
    found = dict(iter(counted.groupby("group", sort=False)))
    empty = counted.iloc[:0]
    return frequency_table([(key, found.get(g, empty)) for g, key in enumerate(keys)], cols, top,
                           dtypes={c: df[c].dtype for c in cols})


def _group_codes(df: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """Each row's group number and the group keys (tuples) in sorted order, as `_groups` orders them."""
    if not cols:
        return np.zeros(len(df), dtype=np.int64), [()]
    grouped = df[cols].reset_index(drop=True).groupby(cols, sort=True, dropna=False)
    codes = grouped.ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]  # the first row of each group, in group order
    rows = df[cols].iloc[first]
    keys = list(zip(*(rows[c].tolist() for c in cols)))
    return codes, keys


def _count(lists) -> tuple[Counter, Counter]:
    """(term counts, document counts) of token lists."""
    counts = Counter(chain.from_iterable(lists))  # counted in C, not by a generator
    docs = Counter(chain.from_iterable(map(set, lists)))
    return counts, docs


def frequency_table(parts, cols: list[str], top: int | None = None, dtypes: dict | None = None) -> pd.DataFrame:
    """The long term_frequencies table from (group key, frame of term, count, docs) pairs: per_1k and
    rank within each group, sorted by count then term, the `top` terms kept, group columns in front,
    with the types in `dtypes` (the data's: an Int64 year with gaps stays Int64, as the cached copy of
    the table keeps it too). The pandas path and the cluster path (analysis.cluster) both end here."""
    frames = []
    for key, part in parts:
        key = key if isinstance(key, tuple) else (key,)
        part = part[["term", "count", "docs"]].copy()
        part.insert(2, "per_1k", part["count"] / max(int(part["count"].sum()), 1) * 1000)
        part = part.iloc[_by_count_then_term(part)]
        part["rank"] = np.arange(1, len(part) + 1)
        if top is not None:
            part = part.head(top)
        for i, (col, value) in enumerate(zip(cols, key)):
            part.insert(i, col, value)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols + ["term"])
    if not len(out):
        return out
    for col, dtype in (dtypes or {}).items():
        try:
            out[col] = out[col].astype(dtype)
        except (TypeError, ValueError):
            pass  # a key the type cannot hold stays as it is
    return out.astype({"count": int, "docs": int, "rank": int})


def _by_count_then_term(part: pd.DataFrame) -> np.ndarray:
    """The order of a group's terms: count descending, then term (code point order, as Python sorts
    str). Sorted in Arrow, three times faster than pandas' sort of the two columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        keys = pa.table({"count": pa.array(part["count"]), "term": pa.array(part["term"], pa.large_string())})
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # terms Arrow cannot take as text (ints, None): pandas sorts them
        ordered = part.reset_index(drop=True).sort_values(["count", "term"], ascending=[False, True], kind="mergesort")
        return ordered.index.to_numpy()
    return pc.sort_indices(keys, sort_keys=[("count", "descending"), ("term", "ascending")]).to_numpy()


def dfm(data, by: str | Sequence[str] | None = "doc_id", **kwargs) -> pd.DataFrame:
    """Document-feature matrix: one row per group, one column per term, counts (dense; meant for
    tens of groups, e.g. articles, provinces, years). Columns ordered by total count, then term."""
    return dfm_from(term_frequencies(data, by, **kwargs), by)


def dfm_from(freqs: pd.DataFrame, by: str | Sequence[str] | None = "doc_id") -> pd.DataFrame:
    """The dfm of a term_frequencies table grouped by `by` (what `dfm` returns for the data it counted)."""
    cols = _by_list(by)
    index = cols if cols else None
    if index is None:
        freqs = freqs.assign(group="all")
        index = ["group"]
    wide = freqs.pivot_table(index=index, columns="term", values="count", aggfunc="sum", fill_value=0)
    totals = wide.sum().to_dict()
    order = sorted(wide.columns, key=lambda t: (-totals[t], t))
    wide = wide[order]
    wide.columns.name = "term"
    return wide.astype(int)
