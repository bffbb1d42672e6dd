"""Terms in context: keyword in context (`kwic`, like quanteda's kwic()) and how often two terms share a row
(`cooccurrence`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
import pandas as pd

from ..segment import _normalize, get_tokenizer
from .inputs import TOKENS, _as_frame, _with_tokens


def kwic(
    data,
    term: str | Iterable[str],
    window: int = 5,
    *,
    text_col: str = "text",
    id_cols: Sequence[str] | None = None,
    user_dict=None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Keyword in context, like quanteda's kwic(): every occurrence of `term` as whole token(s).

    The text is segmented with the project tokenizer (punctuation kept, spaces dropped), so 疫情
    does not match inside 疫情防控; a multi-token term (e.g. 社区 志愿者) matches as a sequence.
    Columns: the id columns (default doc_id, para_no, section where present), from, to (token
    positions in the row), pre, keyword, post (`window` tokens each side, joined without spaces),
    pattern. One row per match, in data order; `limit`: the first `limit` matches of each pattern only (the rows
    after them are not read: a few lines of a common term in a large corpus).
    """
    df = _as_frame(data)
    patterns = [term] if isinstance(term, str) else list(term)
    if id_cols is None:
        id_cols = [c for c in ("doc_id", "para_no", "section") if c in df.columns]
    tk = get_tokenizer(user_dict, "rjieba")  # once, not per row (segment() looks it up on every call)
    raw = df[text_col].tolist()
    texts: dict[int, str] = {}  # normalized as they are read (with a limit, the rows after the last match are not)
    ids = {c: df[c].tolist() for c in id_cols}
    segmented: dict[int, list[str]] = {}  # rows segmented for one pattern serve the next
    rows = []
    for pattern in patterns:
        needle = [t for t in tk.cut(_normalize(pattern)) if t.strip()]
        if not needle:
            raise ValueError(f"empty KWIC pattern {pattern!r}")
        joined = "".join(needle)
        k = len(needle)
        found = 0
        for r in range(len(raw)):
            if limit is not None and found >= limit:
                break
            text = texts.get(r)
            if text is None:
                text = texts[r] = _normalize(raw[r]) if isinstance(raw[r], str) else ""
            if joined not in text:
                continue  # only rows that contain the string are segmented
            tokens = segmented.get(r)
            if tokens is None:
                tokens = segmented[r] = [t for t in tk.cut(text) if t.strip()]
            for i in range(len(tokens) - k + 1):
                if tokens[i : i + k] == needle and (limit is None or found < limit):
                    found += 1
                    row = {c: ids[c][r] for c in id_cols}
                    row.update(
                        {
                            "from": i,
                            "to": i + k - 1,
                            "pre": "".join(tokens[max(0, i - window) : i]),
                            "keyword": joined,
                            "post": "".join(tokens[i + k : i + k + window]),
                            "pattern": pattern,
                        }
                    )
                    rows.append(row)
    columns = list(id_cols) + ["from", "to", "pre", "keyword", "post", "pattern"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- co-occurrence


def cooccurrence(
    data,
    terms: Sequence[str] | None = None,
    *,
    top: int = 30,
    min_count: int = 1,
    **kwargs,
) -> pd.DataFrame:
    """How many rows (paragraphs, if you pass paragraphs) contain both terms of a pair.

    terms: the terms to pair; None = the `top` terms found in most rows (ties by term).
    Columns: term_a, term_b (term_a < term_b), count (rows with both), n_a, n_b (rows with each),
    jaccard (count / rows with either). Pairs with count >= min_count, sorted by count, then pair.
    """
    df = _with_tokens(data, None, **kwargs)
    sets = [set(ts) for ts in df[TOKENS]]
    if terms is None:
        docfreq = Counter(chain.from_iterable(sets))
        terms = [t for t, _ in sorted(docfreq.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    terms = sorted(dict.fromkeys(terms))
    occ = np.array([[t in s for t in terms] for s in sets], dtype=np.int64).reshape(len(sets), len(terms))
    return pair_table(terms, occ.T @ occ, min_count)


def pair_table(terms: list[str], both: np.ndarray, min_count: int = 1) -> pd.DataFrame:
    """cooccurrence's table from the sorted terms and the rows-with-both matrix (rows with each term on the
    diagonal)."""
    rows = []
    for i in range(len(terms)):
        for j in range(i + 1, len(terms)):
            n = int(both[i, j])
            if n >= max(min_count, 1):
                n_a, n_b = int(both[i, i]), int(both[j, j])
                rows.append((terms[i], terms[j], n, n_a, n_b, n / (n_a + n_b - n)))
    out = pd.DataFrame(rows, columns=["term_a", "term_b", "count", "n_a", "n_b", "jaccard"])
    out = out.sort_values(["count", "term_a", "term_b"], ascending=[False, True, True], kind="mergesort")
    return out.reset_index(drop=True)
