"""Places and amounts of each article, as the article view lists them.

From the tables the analysis made (place_mentions, extract_amounts/unit_amounts output) when given,
else read here: for every article when the corpus is small enough, else for one article when the
server opens it (`article_reading`).
"""
from __future__ import annotations

import math

import pandas as pd


def _clean(v):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return round(v, 2) if isinstance(v, float) else v


def places_per_doc(table: pd.DataFrame, doc_index: dict, n_docs: int) -> list:
    """[[place, level, mentions, as recipient], ...] per article, most mentioned first."""
    out: list = [[] for _ in range(n_docs)]
    if table is None or not len(table):
        return out
    recip = table["recipient"].astype(bool) if "recipient" in table.columns else pd.Series(False, index=table.index)
    counts = table.assign(_r=recip.astype(int)).groupby(["doc_id", "place", "level"], sort=False).agg(
        n=("_r", "size"), r=("_r", "sum")).reset_index()
    counts = counts.sort_values(["doc_id", "n", "place"], ascending=[True, False, True], kind="mergesort")
    for doc_id, place, level, n, r in zip(counts["doc_id"], counts["place"], counts["level"], counts["n"], counts["r"]):
        d = doc_index.get(str(doc_id))
        if d is not None and place:
            out[d].append([str(place), str(level), int(n), int(r)])
    return out


AMOUNT_FIELDS = ["para_no", "span", "kind", "amount", "unit", "place", "given", "bound"]


def amounts_per_doc(table: pd.DataFrame, doc_index: dict, n_docs: int) -> list:
    """[[para_no, span, kind, amount, unit, place, given, bound], ...] per article, in text order."""
    out: list = [[] for _ in range(n_docs)]
    if table is None or not len(table):
        return out
    cols = [c for c in AMOUNT_FIELDS if c in table.columns]
    for row in table.itertuples(index=False):
        d = doc_index.get(str(row.doc_id))
        if d is not None:
            out[d].append([_clean(getattr(row, c, None)) if c in cols else None for c in AMOUNT_FIELDS])
    return out


def _provinces(corpus: pd.DataFrame) -> dict:
    return dict(zip(corpus["doc_id"].astype(str), corpus["province"].fillna("").astype(str))) \
        if "province" in corpus.columns else {}


def read_amounts(paras: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """extract_amounts of every paragraph, with the article's province (doc_id, para_no + its columns)."""
    from ..amounts import extract_amounts

    prov = _provinces(corpus)
    frames = []
    for doc_id, no, text in zip(paras["doc_id"].astype(str), paras["para_no"], paras["text"]):
        found = extract_amounts(text, prov.get(doc_id, ""))
        if len(found):
            frames.append(found.assign(doc_id=doc_id, para_no=int(no)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["doc_id", "para_no"])


def doc_places(paras, corpus, places, doc_index, read: bool):
    """Places per article from `places` (a place_mentions table), else read when `read`, else None."""
    from ..places_units import place_mentions

    if not isinstance(places, pd.DataFrame):
        if not read:
            return None
        places = place_mentions(paras[["doc_id", "para_no", "section", "text"]] if "section" in paras.columns
                                else paras.assign(section=""), corpus)
    return places_per_doc(places, doc_index, len(doc_index))


def doc_amounts(paras, corpus, amounts, doc_index, read: bool):
    """Amounts per article from `amounts` (extract_amounts / unit_amounts rows with doc_id and para_no),
    else read when `read`, else None."""
    if not isinstance(amounts, pd.DataFrame):
        if not read:
            return None
        amounts = read_amounts(paras, corpus)
    return amounts_per_doc(amounts, doc_index, len(doc_index))


def article_reading(doc_id: str, paras: list[tuple[int, str]], province: str) -> tuple[list, list]:
    """(places, amounts) of one article, given its (para_no, text) paragraphs and province."""
    from ..amounts import extract_amounts
    from ..places import find_places

    rows, amounts = [], []
    for no, text in paras:
        found = find_places(text, province)
        if len(found):
            rows.append(found.assign(doc_id=doc_id, para_no=no))
        got = extract_amounts(text, province)
        if len(got):
            amounts.append(got.assign(doc_id=doc_id, para_no=no))
    index = {doc_id: 0}
    places = places_per_doc(pd.concat(rows, ignore_index=True) if rows else None, index, 1)[0]
    return places, amounts_per_doc(pd.concat(amounts, ignore_index=True) if amounts else None, index, 1)[0]
