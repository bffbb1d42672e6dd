"""Term statistics on tokenized text: frequencies by group, tf-idf, keyness, KWIC, co-occurrence.

The vocabulary follows quanteda: a document-feature matrix (`dfm`) of groups x terms, `keyness`
like `textstat_keyness(measure = "lr")`, `kwic` like `kwic()`. Every function takes a DataFrame
with a text column (the corpus, or paragraphs) and tokenizes it with `analysis.tokenize_corpus`
(cached), or takes the tokens you already have (`tokens=`: a column name, or one list per row).

Grouping (`by`): any column of the data, or several; a column the data lacks is looked up in
`corpus` by doc_id, so paragraphs can be grouped by the province or date of their article.
Output is always sorted deterministically (ties broken by term), so a notebook's tables and
figures are the same on every run.
"""
from __future__ import annotations

from collections import Counter
from itertools import chain
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from . import cluster as _cluster
from .segment import _normalize, _stopset, count_corpus, segment, tokenize_corpus

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


# ---------------------------------------------------------------- frequencies


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
    if _cluster.wanted(data, kwargs.get("corpus"), client=kwargs.get("client")):
        return _cluster.term_frequencies(data, by, top=top, **kwargs)
    kwargs.pop("client", None)
    key = _memo_key(data, by, top, kwargs)
    if key is not None:
        from .loadcache import memo_frame

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
    from pathlib import Path

    from .segment import GENRE_STOPWORDS, STOPWORDS, lexicon_hash

    options = {k: v for k, v in kwargs.items() if k not in ("progress", "workers")}
    parts: list = [Path(__file__).read_bytes(), Path(_normalize.__code__.co_filename).read_bytes(),
                   lexicon_hash(options.get("user_dict"), options.get("engine", "rjieba")),
                   STOPWORDS.read_bytes(), GENRE_STOPWORDS.read_bytes(), repr(sorted(options.items())),
                   repr(cols), repr(top)]
    from .loadcache import column_digest

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
    freqs = term_frequencies(data, by, **kwargs)
    cols = _by_list(by)
    index = cols if cols else None
    if index is None:
        freqs = freqs.assign(group="all")
        index = ["group"]
    wide = freqs.pivot_table(index=index, columns="term", values="count", aggfunc="sum", fill_value=0)
    totals = wide.sum()
    order = sorted(wide.columns, key=lambda t: (-totals[t], t))
    wide = wide[order]
    wide.columns.name = "term"
    return wide.astype(int)


# ---------------------------------------------------------------- tf-idf


def _identity(tokens):
    return tokens


def tfidf(data, by: str | Sequence[str] = "doc_id", *, top: int | None = 10, **kwargs) -> pd.DataFrame:
    """Terms most distinctive of each group by tf-idf (scikit-learn's TfidfVectorizer on the
    groups' tokens: raw counts x smoothed idf ln((1+n)/(1+df))+1, rows L2-normalised).

    Long format: the `by` columns, term, tfidf, count, groups (how many groups use the term),
    rank. Sorted by group, then tfidf, then term; `top` terms per group (None: all).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    df = _with_tokens(data, by, **kwargs)
    cols = _by_list(by)
    if not cols:
        raise ValueError("tfidf needs groups: pass by= (e.g. 'doc_id')")
    groups = _groups(df, by)
    docs = [[t for ts in token_lists for t in ts] for _, token_lists in groups]
    vec = TfidfVectorizer(analyzer=_identity, lowercase=False)
    matrix = vec.fit_transform(docs)
    terms = vec.get_feature_names_out()
    n_groups = np.asarray((matrix > 0).sum(axis=0)).ravel()
    frames = []
    for row, ((key, _), tokens) in enumerate(zip(groups, docs)):
        weights = matrix.getrow(row).tocoo()
        counts = Counter(tokens)
        part = pd.DataFrame(
            {
                "term": terms[weights.col],
                "tfidf": weights.data,
                "count": [counts[t] for t in terms[weights.col]],
                "groups": n_groups[weights.col],
            }
        )
        part = part.sort_values(["tfidf", "term"], ascending=[False, True], kind="mergesort")
        part["rank"] = np.arange(1, len(part) + 1)
        if top is not None:
            part = part.head(top)
        for i, (col, value) in enumerate(zip(cols, key)):
            part.insert(i, col, value)
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------- keyness


def g2(a, b, c, d, correction: str = "none"):
    """Signed log-likelihood G2 of 2x2 tables (arrays allowed), as quanteda's keyness_lr computes it.

    a = the term in the target, b = the term in the reference, c = other tokens of the target,
    d = other tokens of the reference. G2 = 2 * sum(O * ln(O / E)), positive when the term is
    more frequent in the target than expected (a > E11), negative when less.
    correction: "none"; "yates" (move each cell 0.5 towards independence, only where an
    expected count is below 5 and |ad - bc| >= N/2, the test of quanteda.textstats'
    src/keyness.cpp, yates_correction, used by lr_lambda);
    "williams" (divide by q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / 6N; none if
    a cell is 0).

    Which is quanteda's default for "lr": textstat_keyness's documentation says correction =
    "default" means Williams for "lr", but its code (lr_lambda) applies Yates for "default".
    The project follows the code, so that its numbers equal what quanteda actually returns:
    keyness() defaults to "yates".
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    n = a + b + c + d
    e11 = (a + b) * (a + c) / n
    sign = np.where(a > e11, 1.0, -1.0)
    if correction == "yates":
        small = ((a + b) * (a + c) / n < 5) | ((a + b) * (b + d) / n < 5) | (
            (a + c) * (c + d) / n < 5
        ) | ((c + d) * (b + d) / n < 5)
        apply = small & (np.abs(a * d - b * c) >= n / 2)
        step = np.where(apply, np.where(a * d - b * c > 0, 0.5, -0.5), 0.0)
        a, d, b, c = a - step, d - step, b + step, c + step
    elif correction not in ("none", "williams"):
        raise ValueError(f"correction must be 'none', 'yates' or 'williams', not {correction!r}")
    observed = (a, b, c, d)
    expected = (e11, (a + b) * (b + d) / n, (a + c) * (c + d) / n, (b + d) * (c + d) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = [np.where(o > 0, o * np.log(o / e), 0.0) for o, e in zip(observed, expected)]
    stat = np.maximum(2 * sum(cells), 0.0)
    if correction == "williams":
        q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
        stat = stat / np.where(a * b * c * d == 0, 1.0, q)
    return sign * stat


def log_ratio(a, b, total_a, total_b):
    """Hardie's Log Ratio: log2 of the term's relative frequency in target over reference; a zero
    count is taken as 0.5 so the ratio stays finite. +1 = twice as frequent in the target."""
    a = np.where(np.asarray(a) == 0, 0.5, a).astype(float)
    b = np.where(np.asarray(b) == 0, 0.5, b).astype(float)
    return np.log2((a / total_a) / (b / total_b))


def keyness(
    data,
    target,
    by: str | None = None,
    *,
    correction: str = "yates",
    min_count: int = 1,
    **kwargs,
) -> pd.DataFrame:
    """Keyness of a target group against the rest, like quanteda's textstat_keyness(measure="lr").

    data: a DataFrame of texts grouped by the column `by`, with `target` one value (or a list of
        values) of that column; or a dfm (groups x terms counts) with `target` row label(s).
    Columns: term, n_target, n_reference, G2 (signed log-likelihood; correction "yates" by default,
    as quanteda's code applies for "lr" although its documentation names Williams; or
    "williams" / "none": see g2()), p (chi-square, 1 df), q (p adjusted for the number of terms tested,
    Benjamini-Hochberg: a term with q < 0.05 is key at a 5 % false discovery rate), log_ratio (Hardie's
    effect size, log2; +1 = twice as frequent in the target),
    per_1k_target, per_1k_reference. Sorted by G2 from most target-typical to most
    reference-typical (ties by term). Terms with n_target + n_reference < min_count are left out.
    """
    from scipy.special import chdtrc  # the chi-square survival function scipy.stats.chi2.sf calls, without
    # importing scipy.stats (1.3 s in every notebook that computes keyness)
    from .intervals import bh_qvalues

    if by is None:
        matrix = data
        if not isinstance(matrix, pd.DataFrame) or not all(
            pd.api.types.is_numeric_dtype(t) for t in matrix.dtypes
        ):
            raise TypeError("without by=, data must be a dfm (groups x terms counts)")
        targets = [target] if not isinstance(target, (list, tuple, set)) else list(target)
    else:
        matrix = dfm(data, by, **kwargs)
        targets = [target] if not isinstance(target, (list, tuple, set)) else list(target)
    missing = [t for t in targets if t not in matrix.index]
    if missing:
        raise KeyError(f"target {missing} not among the groups {list(matrix.index)}")
    is_target = matrix.index.isin(targets)
    if is_target.all():
        raise ValueError("the target is every group: there is no reference to compare with")
    a = matrix[is_target].sum().astype(float)
    b = matrix[~is_target].sum().astype(float)
    keep = (a + b) >= max(min_count, 1)
    a, b = a[keep], b[keep]
    total_a, total_b = float(matrix[is_target].to_numpy().sum()), float(matrix[~is_target].to_numpy().sum())
    stat = g2(a, b, total_a - a, total_b - b, correction=correction)
    p = chdtrc(1, np.abs(stat))
    out = pd.DataFrame(
        {
            "term": a.index,
            "n_target": a.to_numpy().astype(int),
            "n_reference": b.to_numpy().astype(int),
            "G2": stat,
            "p": p,
            "q": bh_qvalues(p),
            "log_ratio": log_ratio(a.to_numpy(), b.to_numpy(), total_a, total_b),
            "per_1k_target": a.to_numpy() / total_a * 1000,
            "per_1k_reference": b.to_numpy() / total_b * 1000,
        }
    )
    out = out.sort_values(["G2", "term"], ascending=[False, True], kind="mergesort")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- KWIC


def kwic(
    data,
    term: str | Iterable[str],
    window: int = 5,
    *,
    text_col: str = "text",
    id_cols: Sequence[str] | None = None,
    user_dict=None,
) -> pd.DataFrame:
    """Keyword in context, like quanteda's kwic(): every occurrence of `term` as whole token(s).

    The text is segmented with the project tokenizer (punctuation kept, spaces dropped), so 疫情
    does not match inside 疫情防控; a multi-token term (e.g. 社区 志愿者) matches as a sequence.
    Columns: the id columns (default doc_id, para_no, section where present), from, to (token
    positions in the row), pre, keyword, post (`window` tokens each side, joined without spaces),
    pattern. One row per match, in data order.
    """
    df = _as_frame(data)
    patterns = [term] if isinstance(term, str) else list(term)
    if id_cols is None:
        id_cols = [c for c in ("doc_id", "para_no", "section") if c in df.columns]
    rows = []
    for pattern in patterns:
        needle = [t for t in segment(pattern, user_dict=user_dict) if t.strip()]
        if not needle:
            raise ValueError(f"empty KWIC pattern {pattern!r}")
        joined = "".join(needle)
        k = len(needle)
        for record in df.itertuples(index=False):
            text = getattr(record, text_col)
            if not isinstance(text, str) or joined not in _normalize(text):
                continue  # only rows that contain the string are segmented
            tokens = [t for t in segment(text, user_dict=user_dict) if t.strip()]
            for i in range(len(tokens) - k + 1):
                if tokens[i : i + k] == needle:
                    row = {c: getattr(record, c) for c in id_cols}
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
    docfreq = Counter(t for s in sets for t in s)
    if terms is None:
        terms = [t for t, _ in sorted(docfreq.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    terms = sorted(dict.fromkeys(terms))
    occ = np.array([[t in s for t in terms] for s in sets], dtype=np.int64).reshape(len(sets), len(terms))
    both = occ.T @ occ
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
