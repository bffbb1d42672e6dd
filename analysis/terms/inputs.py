"""What a term statistic takes: a DataFrame with a text column (or a list of texts), tokenized with
`tokenize_corpus` (cached), or the tokens you already have (`tokens=`: a column name, or one list per row);
grouped by `by` columns of the data, or of `corpus` looked up by doc_id.
"""
from __future__ import annotations

import pandas as pd

from ..segment import tokenize_corpus

TOKENS = "__tokens__"


# ---------------------------------------------------------------- inputs


def _as_frame(data) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, str):
        raise TypeError("pass a DataFrame with a text column, or a list of texts, not one str")
    return pd.DataFrame({"text": list(data)})


def _by_list(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def _with_by(data, by=None, corpus: pd.DataFrame | None = None, keep: list[str] | None = None) -> pd.DataFrame:
    """A copy of `data` with every `by` column (joined from `corpus` by doc_id if the data lacks it);
    keep: copy only these columns (and the `by` ones and doc_id), not all of them."""
    df = _as_frame(data)
    if keep is not None:
        df = df[[c for c in dict.fromkeys(keep + _by_list(by) + ["doc_id"]) if c in df.columns]]
    df = df.copy()
    for col in _by_list(by):
        if col not in df.columns:
            if corpus is None or col not in corpus.columns or "doc_id" not in df.columns:
                raise KeyError(f"no column {col!r} in the data (pass corpus= to look it up by doc_id)")
            df = df.merge(corpus[["doc_id", col]], on="doc_id", how="left", validate="many_to_one")
    return df


def _with_tokens(
    data,
    by=None,
    *,
    tokens=None,
    text_col: str = "text",
    corpus: pd.DataFrame | None = None,
    min_chars: int = 1,
    **tok,
) -> pd.DataFrame:
    """`data` with a token-list column TOKENS and every `by` column (joined from `corpus` if needed)."""
    df = _with_by(data, by, corpus)
    if isinstance(tokens, str):
        toks = list(df[tokens])
    elif tokens is not None:
        toks = list(tokens)
        if len(toks) != len(df):
            raise ValueError(f"tokens has {len(toks)} lists for {len(df)} rows")
    else:
        if text_col not in df.columns:
            raise KeyError(f"no text column {text_col!r}; pass text_col= or tokens=")
        tok.setdefault("progress", False)
        toks = tokenize_corpus(df[text_col].fillna("").astype(str), **tok)
    if min_chars > 1:
        toks = [[t for t in ts if len(t) >= min_chars] for ts in toks]
    df[TOKENS] = toks
    return df


def _groups(df: pd.DataFrame, by) -> list[tuple[tuple, list[list[str]]]]:
    """[(group key as a tuple, token lists of its rows)], groups in sorted order."""
    cols = _by_list(by)
    if not cols:
        return [((), list(df[TOKENS]))]
    return [
        (key if isinstance(key, tuple) else (key,), list(part[TOKENS]))
        for key, part in df.groupby(cols, sort=True, dropna=False)
    ]

