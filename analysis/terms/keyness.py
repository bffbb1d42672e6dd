"""Terms typical of a group: tf-idf (`tfidf`) and keyness against the other groups (`keyness`, like quanteda's
textstat_keyness(measure="lr"), with its `g2` and Hardie's `log_ratio`).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .frequencies import dfm
from .inputs import _by_list, _groups, _with_tokens


def _identity(tokens):
    return tokens


def tfidf(data, by: str | Sequence[str] = "doc_id", *, top: int | None = 10, **kwargs) -> pd.DataFrame:
    """Terms most distinctive of each group by tf-idf (scikit-learn's TfidfVectorizer on the
    groups' tokens: raw counts x smoothed idf ln((1+n)/(1+df))+1, rows L2-normalised).

    Long format: the `by` columns, term, tfidf, count, groups (how many groups use the term),
    rank. Sorted by group, then tfidf, then term; `top` terms per group (None: all).
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    df = _with_tokens(data, by, **kwargs)
    cols = _by_list(by)
    if not cols:
        raise ValueError("tfidf needs groups: pass by= (e.g. 'doc_id')")
    groups = _groups(df, by)
    vec = CountVectorizer(analyzer=_identity, lowercase=False)
    counts = vec.fit_transform([t for ts in token_lists for t in ts] for _, token_lists in groups)
    return tfidf_table([key for key, _ in groups], sp.csr_matrix(counts), vec.get_feature_names_out(), cols, top)


def tfidf_table(keys: list[tuple], counts, terms, cols: list[str], top: int | None = 10) -> pd.DataFrame:
    """tfidf's table from the groups' term counts (a groups x terms sparse matrix, rows in `keys` order): the
    weights of scikit-learn's TfidfTransformer (what TfidfVectorizer applies to the counts it makes). A term
    no group uses changes nothing (its idf is never used), so `counts` may have columns for other terms."""
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = counts.tocsr()
    used = np.flatnonzero(np.asarray(counts.getnnz(axis=0)).ravel())
    counts, terms = counts[:, used], np.asarray(terms, dtype=object)[used]
    matrix = TfidfTransformer().fit_transform(counts).tocsr()
    n_groups = np.asarray((counts > 0).sum(axis=0)).ravel()
    frames = []
    for row, key in enumerate(keys):
        weights = matrix.getrow(row).tocoo()
        part = pd.DataFrame(
            {
                "term": terms[weights.col],
                "tfidf": weights.data,
                "count": counts[row, weights.col].toarray().ravel().astype(np.int64),
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
    # chdtrc: the chi-square survival function scipy.stats.chi2.sf calls, without importing scipy.stats (1.3 s in
    # every notebook that computes keyness)
    from scipy.special import chdtrc

    from ..intervals import bh_qvalues

    if by is None:
        matrix = data
        if not isinstance(matrix, pd.DataFrame) or not all(
            pd.api.types.is_numeric_dtype(t) for t in matrix.dtypes.unique()
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

