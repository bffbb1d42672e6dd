"""The row-wise stages on a cluster: the pandas function mapped over the partitions (lazy; a dask DataFrame),
for functions whose rows depend only on their own article or paragraph.
"""
from __future__ import annotations

import pandas as pd

from ..dispatch import is_dask, register
from .client import _meta, _to_dask


@register("map_rows")
def map_rows(func, data, *args, client=None, **kwargs):
    """`func(partition, *args, **kwargs)` on every partition of `data` (lazy; a dask DataFrame).
    For functions whose rows depend only on their own article (paragraphs, code_paragraphs, ...)."""
    ddf = _to_dask(data, client)
    return ddf.map_partitions(func, *args, meta=_meta(func, ddf, *args, **kwargs), **kwargs)


def _tokens_part(texts: pd.Series, kwargs: dict) -> pd.Series:
    from ..paths import cache_dir
    from ..segment import tokenize_corpus

    kwargs = dict(kwargs)
    kwargs.setdefault("cache_dir", cache_dir("tokens"))  # the worker's $ANALYSIS_CACHE_DIR
    kwargs.update(workers=1, progress=False)
    return pd.Series(tokenize_corpus(texts.fillna("").astype(str), **kwargs), index=texts.index, dtype=object)


@register("tokenize_corpus")
def tokenize_corpus(texts, client=None, **kwargs):
    """Token lists of a dask Series of texts, as a dask Series (object: one list per text), on the workers."""
    series = texts if is_dask(texts) else _to_dask(pd.Series(list(texts), name="text").to_frame(), client)["text"]
    return series.map_partitions(_tokens_part, kwargs, meta=pd.Series(dtype=object, name=series.name))


@register("paragraphs")
def paragraphs(corpus, client=None):
    """paragraphs on a cluster: each partition of articles split into its paragraphs (lazy)."""
    from ..paragraph import paragraphs as local

    return map_rows(local, corpus, client=client)


@register("code_paragraphs")
def code_paragraphs(paras, codebook=None, client=None):
    """code_paragraphs on a cluster: each partition of paragraphs coded (lazy)."""
    from ..themes import code_paragraphs as local

    return map_rows(local, paras, codebook, client=client)



def _regions_part(part: pd.DataFrame) -> pd.DataFrame:
    from ..places import infer_region

    return infer_region(part)[["doc_id", "province", "city"]]


def _mentions_part(part: pd.DataFrame) -> pd.DataFrame:
    from ..places_units import place_mentions

    regions = part[["doc_id", "province"]].drop_duplicates("doc_id").assign(city="", title="", text="")
    paras = part.drop(columns=["province"])
    return place_mentions(paras, regions)


@register("place_mentions")
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
    from ..places_units import place_units

    if paras_cols is None:
        return place_units(part)
    corpus = part[["doc_id", "province", "city"]].drop_duplicates("doc_id").assign(title="", text="")
    paras = part[paras_cols].sort_values(["doc_id", "para_no"], kind="mergesort")
    return place_units(corpus, paras)


@register("place_units")
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


@register("unit_amounts")
def unit_amounts(units, client=None):
    from ..amounts import unit_amounts as local

    return map_rows(local, units, client=client)

