"""Theme shares with intervals, and contrasts between two groups, resampling articles (the sampling unit).

    theme_share_intervals(coded, by="year", corpus=corpus)             # share, lo, hi per (year, theme)
    theme_share_difference(coded, "year", 2020, 2022, corpus=corpus)   # share_a, share_b, diff, lo, hi, p, q

Paragraphs of one article are not independent (an article about a donation drive has many donation
paragraphs), so an interval that treats paragraphs as the sample is too narrow. Here the article is the
unit: a group's share is (paragraphs with the theme) / (paragraphs), the same share as `theme_shares`, and
its interval is a cluster bootstrap: draw the group's articles with replacement, n_boot times, and take
the percentile interval of the resampled ratio. A contrast's p-value is an article-level permutation test
(articles of the two groups shuffled between them); its q is Benjamini-Hochberg over the themes.

All resampling is vectorised: each article is reduced to one row of counts (paragraphs, and paragraphs per
theme), and a block of resamples is a matrix of how often each article was drawn, multiplied by the counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dispatch import call, wanted
from .themes import _with_group, theme_ids

__all__ = ["theme_share_intervals", "theme_share_difference", "article_theme_table", "intervals_from_table",
           "bh_qvalues"]

_BLOCK = 4_000_000  # entries of the draws matrix (resamples x articles) made at a time (32 MB of int64)
_OUT = 8_000_000  # resampled sums (resamples x groups x columns) kept at a time before the quantiles


def article_theme_table(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None,
                        codebook=None) -> pd.DataFrame:
    """Per (group of `by`, article): paragraphs carrying each theme and `n_paragraphs`; index (group, doc_id),
    sorted; paragraphs whose group is missing are left out (as `theme_shares` leaves them out)."""
    ids = theme_ids(coded, codebook)
    cols = list(dict.fromkeys(["doc_id"] + ([by] if by in coded.columns else []) + ids))
    g = _with_group(coded[cols], by, corpus)
    frame = pd.DataFrame({"group": g["group"], "doc_id": g["doc_id"]})
    for t in ids:
        frame[t] = g[t].to_numpy(dtype=np.int64)
    frame["n_paragraphs"] = np.int64(1)
    table = frame.groupby(["group", "doc_id"], sort=True, observed=True).sum()
    table.index.names = [by, "doc_id"]
    return table


def _resample_sums(values: np.ndarray, sizes: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Sums of resampled articles: `values` (articles x columns) with each group's articles in one block,
    `sizes` the articles per group. Each resample draws every group's articles with replacement (as many as
    it has); returns (n_boot, groups, columns)."""
    from scipy import sparse

    m, k = values.shape
    n_groups = len(sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    slot = np.repeat(np.arange(n_groups), sizes)  # the group of each draw (and of each article)
    first, size = starts[slot], sizes[slot].astype(np.int64)
    # article c's counts go to the columns of its group: (groups * columns) x articles
    block = sparse.csr_matrix(
        (values.ravel().astype(np.float64), ((slot[:, None] * k + np.arange(k)).ravel(), np.repeat(np.arange(m), k))),
        shape=(n_groups * k, m))
    block.eliminate_zeros()
    out = np.empty((n_boot, n_groups, k))
    step = max(1, _BLOCK // max(m, n_groups * k, 1))
    for b0 in range(0, n_boot, step):
        nb = min(step, n_boot - b0)
        draws = first + rng.integers(0, size, size=(nb, m))  # each draw picks an article of its own group
        times = np.bincount((draws + (np.arange(nb) * m)[:, None]).ravel(), minlength=nb * m).reshape(nb, m)
        out[b0:b0 + nb] = (block @ times.T.astype(np.float64)).T.reshape(nb, n_groups, k)
    return out


def _percentiles(level: float) -> tuple[float, float]:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level!r}")
    return (1 - level) / 2, 1 - (1 - level) / 2


def intervals_from_table(table: pd.DataFrame, by: str, level: float = 0.95, n_boot: int = 1000,
                         seed: int = 0) -> pd.DataFrame:
    """theme_share_intervals from `article_theme_table`'s result (which the Dask layer computes on the
    cluster): the long table by, theme, share, lo, hi, n_paragraphs, n_articles."""
    ids = [c for c in table.columns if c != "n_paragraphs"]
    k = len(ids)
    q = _percentiles(level)
    rng = np.random.default_rng(seed)
    table = table.sort_index()
    groups = table.index.get_level_values(0)
    codes, names = pd.factorize(groups, sort=True)  # sorted, so each group's articles are one block
    sizes = np.bincount(codes, minlength=len(names)).astype(np.int64)
    values = table[ids + ["n_paragraphs"]].to_numpy(dtype=np.float64)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    totals = np.add.reduceat(values, starts[:-1], axis=0) if len(values) else np.zeros((0, k + 1))
    share = totals[:, :k] / totals[:, k:]
    lo = np.full_like(share, np.nan)
    hi = np.full_like(share, np.nan)
    many = np.flatnonzero(sizes >= 2)  # one article gives no spread between articles to resample
    per_block = max(1, _OUT // max(n_boot * (k + 1), 1))
    for i in range(0, len(many), per_block):
        gs = many[i:i + per_block]
        rows = np.concatenate([np.arange(starts[g], starts[g + 1]) for g in gs])
        sums = _resample_sums(values[rows], sizes[gs], n_boot, rng)
        boot = sums[:, :, :k] / sums[:, :, k:]
        lo[gs], hi[gs] = np.quantile(boot, q, axis=0)
    out = pd.DataFrame({
        by: names.repeat(k),
        "theme": np.tile(np.asarray(ids, dtype=object), len(names)),
        "share": share.ravel(),
        "lo": lo.ravel(),
        "hi": hi.ravel(),
        "n_paragraphs": np.repeat(totals[:, k].astype(np.int64), k),
        "n_articles": np.repeat(sizes.astype(np.int64), k),
    })
    return out


def theme_share_intervals(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None,
                          level: float = 0.95, n_boot: int = 1000, seed: int = 0, client=None,
                          codebook=None) -> pd.DataFrame:
    """Share of paragraphs carrying each theme per group of `by`, with a cluster-bootstrap interval.

    `coded` is `code_paragraphs(paragraphs(corpus))`; `by` is resolved as in `theme_shares` (a paragraph
    column such as doc_id or section, or with corpus= an article column such as province, or "year").
    Returns one row per (group, theme), groups sorted, themes in codebook order, with columns `<by>`,
    `theme`, `share` (= theme_shares), `lo`, `hi` (the `level` percentile interval of the share over
    `n_boot` resamples of the group's articles, drawn with replacement), `n_paragraphs`, `n_articles`.
    A group of one article has no interval (lo, hi NaN): nothing varies between articles to resample.
    The same `seed` gives the same intervals. With a dask DataFrame or `client=` the per-article counts
    are made on the cluster and resampled here.
    """
    if wanted(coded, corpus, client=client):
        return call("theme_share_intervals", coded, by, corpus, level=level, n_boot=n_boot, seed=seed,
                    client=client, codebook=codebook)
    return intervals_from_table(article_theme_table(coded, by, corpus, codebook), by, level, n_boot, seed)


def bh_qvalues(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q) of `p`; NaN stays NaN and is not counted as a test."""
    from scipy.stats import false_discovery_control

    p = np.asarray(p, dtype=np.float64)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = false_discovery_control(p[ok], method="bh")
    return q
