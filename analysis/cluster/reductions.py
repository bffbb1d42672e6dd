"""The counting stages on a cluster: per-partition counts reduced by dask's groupby into a small pandas table
equal to the pandas path's (term frequencies, theme counts and shares and their intervals, amounts by place).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from ..dispatch import is_dask, register
from .client import _compute, _to_dask
from .rows import _tokens_part

COUNT_ROWS = 1000  # rows tokenized at a time inside a partition when counting terms

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


@register("term_frequencies")
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
    from ..terms import frequency_table

    groups = table.groupby(cols, sort=True, dropna=False) if cols else [((), table)]
    return frequency_table(groups, cols, top, dtypes={c: ddf[c].dtype for c in cols})


# ---------------------------------------------------------------- themes


def _group_part(part: pd.DataFrame, by: str, corpus, ids: list[str], merged: bool) -> pd.DataFrame:
    from ..themes import _with_group

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
    from ..themes import theme_ids

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


@register("theme_counts")
def theme_counts(coded, by="doc_id", corpus=None, codebook=None, client=None) -> pd.DataFrame:
    return _counts_and_sizes(theme_table(coded, by, corpus, codebook, client), by)[0]


@register("paragraph_counts")
def paragraph_counts(coded, by="doc_id", corpus=None, client=None) -> pd.Series:
    return _counts_and_sizes(theme_table(coded, by, corpus, None, client), by)[1]


@register("theme_shares")
def theme_shares(coded, by="doc_id", corpus=None, codebook=None, client=None) -> pd.DataFrame:
    counts, n = _counts_and_sizes(theme_table(coded, by, corpus, codebook, client), by)
    return counts.div(n, axis=1)




def _by_place_part(units: pd.DataFrame, amounts: pd.DataFrame, by: str) -> pd.DataFrame:
    from ..amounts import amounts_by_place as local

    return local(units, amounts, by)


@register("amounts_by_place")
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


def _article_part(part: pd.DataFrame, by: str, corpus, ids: list[str], merged: bool) -> pd.DataFrame:
    out = _group_part(part, by, corpus, ids, merged)
    out.insert(1, "doc_id", part["doc_id"].to_numpy())
    return out


@register("article_theme_table")
def article_theme_table(coded, by="doc_id", corpus=None, *, codebook=None, client=None) -> pd.DataFrame:
    """intervals.article_theme_table on a cluster: per (group, article) paragraphs and theme counts, summed
    by dask into one small pandas table (a row per article) that the resampling then uses."""
    from ..themes import theme_ids

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
                          codebook=None, method="korn-graubard") -> pd.DataFrame:
    """intervals.theme_share_intervals on a cluster: the per-article counts made there, resampled here."""
    from ..intervals import intervals_from_table

    table = article_theme_table(coded, by, corpus, codebook=codebook, client=client)
    return intervals_from_table(table, by, level, n_boot, seed, method)
