"""Theme shares with intervals, and contrasts between two groups, resampling articles (the sampling unit).

    theme_share_intervals(coded, by="year", corpus=corpus)             # share, lo, hi per (year, theme)
    theme_share_difference(coded, "year", 2020, 2022, corpus=corpus)   # share_a, share_b, diff, lo, hi, p, q

Paragraphs of one article are not independent (an article about a donation drive has many donation
paragraphs), so an interval that treats paragraphs as the sample is too narrow. Here the article is the
unit: a group's share is (paragraphs with the theme) / (paragraphs), the same share as `theme_shares`, and
its uncertainty comes from a cluster bootstrap: the group's articles drawn with replacement, n_boot times.
The interval (method="korn-graubard", the default) is Korn & Graubard's (1998): Clopper-Pearson's exact
binomial interval on the effective number of paragraphs that the resampled shares' variance implies (Kish's
design effect), capped at the paragraphs and made smaller when there are few articles (z/t on articles - 1,
as Dean & Pagano 2015 adjust it; R's svyciprop(method="beta") puts t on paragraphs - 1 for z and does not
cap, a slightly narrower interval for groups of a few dozen paragraphs, the same at 200 articles); "wilson" is
Wilson's score interval on the same effective number; "bca" and "percentile" are the bootstrap's own
intervals. A contrast's interval is Newcombe's hybrid interval on the two groups' intervals (with
Clopper-Pearson limits, Zou & Donner's MOVER), or the bootstrap's; its p-value an article-level permutation
test (the two groups' articles shuffled between them), its q Benjamini-Hochberg over the themes.

Checked on the CCTV 2020-2022 corpus, where each theme's share is known (benchmarks/bench_intervals.py
--validate --replicates 500: 200-article samples, codebook revision 21): the 95 % interval holds the share
95.2 % of the time (korn-graubard; wilson 93.7 %, BCa 91.9 %, percentile 88.4 %, a paragraph-level binomial
interval 78.1 %), 5 % wider than Wilson's, which falls short on themes clustered in few articles (advice 0.91,
religion 0.90); the bootstrap's own on the rarest (parties, 0.5 %: BCa 0.84). On random halves of 400 articles
(no true difference) p < 0.05 for 5.3 % of the themes; the difference's interval excludes 0 for 4.7 % (Wilson 6.6 %).

All resampling is vectorised: each article is reduced to one row of counts (paragraphs, and paragraphs per
theme), and a block of resamples is a matrix of how often each article was drawn, multiplied by the counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .dispatch import call, wanted
from .themes import _with_group, theme_ids

__all__ = ["theme_share_intervals", "theme_share_difference", "article_theme_table", "intervals_from_table",
           "bh_qvalues", "METHODS"]

_BLOCK = 4_000_000  # entries of the draws matrix (resamples x articles) made at a time (32 MB of int64)
_OUT = 8_000_000  # resampled sums (resamples x groups x columns) kept at a time before the quantiles
MEMO_ARTICLES = 2_000  # intervals of a table of this many articles or more are kept in the cache


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


def _draws(rng: np.random.Generator, first: np.ndarray, size: np.ndarray, nb: int) -> np.ndarray:
    """(nb, len(first)) positions: draw s picks uniformly one of the size[s] articles from first[s] on
    (`first` may be (nb, len) to place each resample's draws apart).
    The high 32 bits of a raw 64-bit draw times size[s], shifted down (Lemire's multiply-shift): 3-4x the
    speed of Generator.integers with an array of bounds; its bias, size / 2**32, is nil for any corpus."""
    r = rng.bit_generator.random_raw((nb, first.shape[-1])) >> np.uint64(32)
    r *= size.astype(np.uint64)
    r >>= np.uint64(32)
    r = r.view(np.int64)
    r += first
    return r


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
    # article c's counts go to the columns of its group: articles x (groups * columns)
    block = sparse.csr_matrix(
        (values.ravel(), (np.repeat(np.arange(m), k), (slot[:, None] * k + np.arange(k)).ravel())),
        shape=(m, n_groups * k))
    block.eliminate_zeros()
    out = np.empty((n_boot, n_groups, k))
    step = max(1, min(n_boot, _BLOCK // max(m, n_groups * k, 1)))
    base = first + (np.arange(step) * m)[:, None]  # resample b's draws counted in positions b*m...
    for b0 in range(0, n_boot, step):
        nb = min(step, n_boot - b0)
        draws = _draws(rng, base[:nb], size, nb)
        times = np.bincount(draws.ravel(), minlength=nb * m).reshape(nb, m)  # how often each article was drawn
        out[b0:b0 + nb] = (times @ block).reshape(nb, n_groups, k)
    return out


def _percentiles(level: float) -> tuple[float, float]:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level!r}")
    return (1 - level) / 2, 1 - (1 - level) / 2


def _check(n_boot: int, method: str) -> None:
    if int(n_boot) < 2:
        raise ValueError(f"n_boot must be at least 2, not {n_boot!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")


def _effective_n(share: np.ndarray, boot: np.ndarray, n_paragraphs: np.ndarray, n_articles: np.ndarray,
                 level: float) -> np.ndarray:
    """Kish's effective number of paragraphs, share (1 - share) / the resampled shares' variance, at most the
    paragraphs; of a share of 0 or 1 (no spread) the articles, the largest design effect (an article's
    paragraphs all alike). Scaled by (z / t)^2, t on articles - 1 degrees of freedom (Korn & Graubard 1998)."""
    from scipy.special import ndtri, stdtrit  # the quantiles scipy.stats.norm/t use, without importing it

    q = _percentiles(level)[1]
    n = np.broadcast_to(n_paragraphs, share.shape).astype(np.float64)
    m = np.broadcast_to(n_articles, share.shape).astype(np.float64)
    var = boot.var(axis=0, ddof=1)
    inner = (share > 0) & (share < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(inner & (var > 0), share * (1 - share) / var, np.where(inner, n, m))
    return np.minimum(n_eff, n) * (ndtri(q) / stdtrit(np.maximum(m - 1, 1), q)) ** 2


def _korn_graubard(share, boot, n_paragraphs, n_articles, level) -> tuple[np.ndarray, np.ndarray]:
    """Korn & Graubard's interval (1998): Clopper-Pearson's exact binomial interval for share * n_eff
    successes in n_eff trials, n_eff from `_effective_n`; a NaN share (no paragraphs) stays NaN."""
    from scipy.special import betaincinv

    a = (1 - level) / 2
    n = _effective_n(share, boot, n_paragraphs, n_articles, level)
    x = share * n
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(x > 0, betaincinv(x, n - x + 1, a), 0.0)
        hi = np.where(n - x > 0, betaincinv(x + 1, n - x, 1 - a), 1.0)
    unknown = np.isnan(share)
    return np.where(unknown, np.nan, np.clip(lo, 0, 1)), np.where(unknown, np.nan, np.clip(hi, 0, 1))


def _wilson(share, boot, n_paragraphs, n_articles, level) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval on n_eff from `_effective_n` (Dean & Pagano 2015)."""
    from scipy.special import ndtri

    n_eff = _effective_n(share, boot, n_paragraphs, n_articles, level)
    z2 = ndtri(_percentiles(level)[1]) ** 2
    centre = (share + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = np.sqrt(z2) / (1 + z2 / n_eff) * np.sqrt(share * (1 - share) / n_eff + z2 / (4 * n_eff ** 2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


_SCORE = {"korn-graubard": _korn_graubard, "wilson": _wilson}  # intervals on the effective sample size
METHODS = (*_SCORE, "bca", "percentile")  # the first is the default


def _acceleration(influence: list[np.ndarray], sizes: list[int]) -> np.ndarray:
    """BCa's acceleration from jackknife influence values (Efron & Tibshirani 1993, 14.3 and its several-sample
    form): `influence` holds, per sample, (articles x ...) values of (n-1) * (mean of leave-one-out estimates -
    leave-one-out estimate); 0 where the estimate does not move."""
    num = sum((u ** 3).sum(axis=0) / n ** 3 for u, n in zip(influence, sizes))
    den = sum((u ** 2).sum(axis=0) / n ** 2 for u, n in zip(influence, sizes)) ** 1.5
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / (6 * den), 0.0)


def _group_acceleration(values: np.ndarray, sizes: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """BCa's acceleration of each group's shares (groups x themes), the groups' articles in blocks."""
    slot = np.repeat(np.arange(len(sizes)), sizes)
    jack = _leave_one_out(values, slot, totals)
    cuts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    mean = np.add.reduceat(jack, cuts, axis=0) / sizes[:, None]
    u = (sizes[slot] - 1)[:, None] * (mean[slot] - jack)
    num = np.add.reduceat(u ** 3, cuts, axis=0)
    den = np.add.reduceat(u ** 2, cuts, axis=0) ** 1.5
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / (6 * den), 0.0)


def _interval(boot: np.ndarray, est: np.ndarray, accel: np.ndarray, level: float, method: str):
    """(lo, hi) from resampled values `boot` (n_boot x ...) of the estimate `est` (...): the percentile
    interval, or the bias-corrected and accelerated one (BCa: the percentiles moved by the bias of the
    resamples about `est` and by the acceleration `accel`)."""
    q = _percentiles(level)
    if method == "percentile":
        return tuple(np.quantile(boot, q, axis=0))
    from scipy.special import ndtr, ndtri

    n = boot.shape[0]
    below = (boot < est).sum(axis=0) + 0.5 * (boot == est).sum(axis=0)  # ties count half
    z0 = ndtri(np.clip(below / n, 0.5 / n, 1 - 0.5 / n))
    srt = np.sort(boot, axis=0)
    out = []
    for zq in ndtri(q):
        with np.errstate(divide="ignore", invalid="ignore"):
            alpha = np.nan_to_num(ndtr(z0 + (z0 + zq) / (1 - accel * (z0 + zq))), nan=0.5)
        pos = np.clip(alpha, 0, 1) * (n - 1)  # interpolated as np.quantile's default ("linear")
        i = np.minimum(np.floor(pos).astype(np.int64), n - 2)
        frac = pos - i
        at = np.take_along_axis(srt, i[None], axis=0)[0]
        nxt = np.take_along_axis(srt, i[None] + 1, axis=0)[0]
        out.append(at + frac * (nxt - at))
    return tuple(out)


def _leave_one_out(values: np.ndarray, slot: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Each article's group share without it: (articles x themes); values = counts + n_paragraphs last."""
    k = values.shape[1] - 1
    rest = totals[slot] - values
    with np.errstate(divide="ignore", invalid="ignore"):
        return rest[:, :k] / rest[:, k:]


def intervals_from_table(table: pd.DataFrame, by: str, level: float = 0.95, n_boot: int = 1000,
                         seed: int = 0, method: str = "korn-graubard") -> pd.DataFrame:
    """theme_share_intervals from `article_theme_table`'s result (which the Dask layer computes on the
    cluster): the long table by, theme, share, lo, hi, n_paragraphs, n_articles.
    Of a large table (MEMO_ARTICLES articles or more) the result is kept in the cache (.cache/intervals) under a
    digest of the table, the options and this code: the build's explorer and notebook 03 resample the same
    groups of 56,812 articles (2 s each time), and the explorer reads notebook 03's intervals (see memo_frame)."""
    _check(n_boot, method)
    _percentiles(level)
    if len(table) < MEMO_ARTICLES:
        return _intervals_from_table(table, by, level, n_boot, seed, method)
    from .freshness import code_digest
    from .memo import column_digest, memo_frame

    table = table.sort_index()
    key = [code_digest("intervals"), by, level, n_boot, seed, method, "|".join(map(str, table.columns)),
           *(column_digest(table.index.get_level_values(i)) for i in range(table.index.nlevels)),
           *(column_digest(table[c]) for c in table.columns)]
    return memo_frame("intervals", key, lambda: _intervals_from_table(table, by, level, n_boot, seed, method))


def _intervals_from_table(table: pd.DataFrame, by: str, level: float, n_boot: int, seed: int,
                          method: str) -> pd.DataFrame:
    ids = [c for c in table.columns if c != "n_paragraphs"]
    k = len(ids)
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
        if method in _SCORE:
            lo[gs], hi[gs] = _SCORE[method](share[gs], boot, totals[gs, k:], sizes[gs, None], level)
            continue
        lo[gs], hi[gs] = _interval(boot, share[gs], _group_acceleration(values[rows], sizes[gs], totals[gs]),
                                   level, method)
    return pd.DataFrame({
        by: names.repeat(k),
        "theme": np.tile(np.asarray(ids, dtype=object), len(names)),
        "share": share.ravel(),
        "lo": lo.ravel(),
        "hi": hi.ravel(),
        "n_paragraphs": np.repeat(totals[:, k].astype(np.int64), k),
        "n_articles": np.repeat(sizes.astype(np.int64), k),
    })


def theme_share_intervals(coded: pd.DataFrame, by: str = "doc_id", corpus: pd.DataFrame | None = None,
                          level: float = 0.95, n_boot: int = 1000, seed: int = 0, client=None,
                          codebook=None, method: str = "korn-graubard") -> pd.DataFrame:
    """Share of paragraphs carrying each theme per group of `by`, with a cluster-bootstrap interval.

    `coded` is `code_paragraphs(paragraphs(corpus))`; `by` is resolved as in `theme_shares` (a paragraph
    column such as doc_id or section, or with corpus= an article column such as province, or "year").
    Returns one row per (group, theme), groups sorted, themes in codebook order, with columns `<by>`,
    `theme`, `share` (= theme_shares), `lo`, `hi` (the `level` interval of the share from `n_boot`
    resamples of the group's articles, drawn with replacement), `n_paragraphs`, `n_articles`.
    `method`: "korn-graubard" (default): Clopper-Pearson's interval for share * n_eff of n_eff paragraphs,
    n_eff = share (1 - share) / the variance of the resampled shares (at most the paragraphs; for a share of
    0 or 1, where nothing varies, the articles), scaled by (z / t)^2 with Student's t on articles - 1 degrees
    of freedom so that a few articles give a wide interval (Korn & Graubard 1998); "wilson": Wilson's
    interval on the same n_eff; "bca": the bias-corrected and accelerated bootstrap interval (as scipy.stats.bootstrap's
    BCa, acceleration from leaving out one article at a time); "percentile": the resamples' percentiles.
    The module docstring gives how often each holds the true share.
    A group of one article has no interval (lo, hi NaN): nothing varies between articles to resample.
    The same `seed` gives the same intervals. With a dask DataFrame or `client=` the per-article counts
    are made on the cluster and resampled here.
    """
    if wanted(coded, corpus, client=client):
        return call("theme_share_intervals", coded, by, corpus, level=level, n_boot=n_boot, seed=seed,
                    client=client, codebook=codebook, method=method)
    return intervals_from_table(article_theme_table(coded, by, corpus, codebook), by, level, n_boot, seed, method)


def bh_qvalues(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q) of `p`, as scipy.stats.false_discovery_control(p) gives them
    (without importing scipy.stats, a second in every notebook); NaN stays NaN and is not counted as a test."""
    p = np.asarray(p, dtype=np.float64)
    q = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    x = p[ok]
    order = np.argsort(x, kind="stable")
    ranked = x[order] * len(x) / np.arange(1, len(x) + 1)
    adjusted = np.empty_like(x)
    adjusted[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    q[ok] = adjusted
    return q


def _permuted_sums(values: np.ndarray, m_a: int, n_perm: int, rng: np.random.Generator) -> np.ndarray:
    """Sums of `values` (articles x columns) over the first group when the articles are shuffled between the
    two groups (m_a articles to the first), n_perm times: (n_perm, columns)."""
    m = len(values)
    out = np.empty((n_perm, values.shape[1]))
    step = max(1, _BLOCK // max(m, 1))
    for b0 in range(0, n_perm, step):
        nb = min(step, n_perm - b0)
        order = rng.permuted(np.broadcast_to(np.arange(m), (nb, m)), axis=1)
        member = np.zeros((nb, m))
        np.put_along_axis(member, order[:, :m_a], 1.0, axis=1)
        out[b0:b0 + nb] = member @ values
    return out


def _bootstrap_difference(va, vb, ta, tb, boot, diff, level, method):
    """BCa or percentile interval of share_a - share_b from its resamples `boot` (each group of 2 articles or more)."""
    jack_a = _leave_one_out(va, np.zeros(len(va), dtype=np.int64), ta[None])
    jack_b = _leave_one_out(vb, np.zeros(len(vb), dtype=np.int64), tb[None])
    influence = [(len(va) - 1) * (jack_a.mean(axis=0) - jack_a), -(len(vb) - 1) * (jack_b.mean(axis=0) - jack_b)]
    return _interval(boot, diff, _acceleration(influence, [len(va), len(vb)]), level, method)


def theme_share_difference(coded: pd.DataFrame, by: str, a, b, corpus: pd.DataFrame | None = None,
                           level: float = 0.95, n_boot: int = 1000, seed: int = 0, codebook=None,
                           client=None, method: str = "korn-graubard") -> pd.DataFrame:
    """Does a theme's share differ between groups `a` and `b` of `by` (e.g. years 2020 and 2022)?

    One row per theme (codebook order): `share_a`, `share_b` (as `theme_shares`), `diff` = share_a - share_b,
    `lo`, `hi` (the `level` interval of diff from `n_boot` resamples of each group's articles: Newcombe's
    hybrid interval (his method 10) on the groups' intervals of `theme_share_intervals`, or with "bca" or
    "percentile" the bootstrap's own), `p` (two-sided article-level permutation test: the two groups'
    articles shuffled between them `n_boot` times, p = (1 + shuffles with |diff| >= the observed |diff|) /
    (1 + n_boot)), `q` (Benjamini-Hochberg over the themes), and
    `n_articles_a`, `n_articles_b`, `n_paragraphs_a`, `n_paragraphs_b`; a group of one article gives p but no interval
    (lo, hi NaN, as in `theme_share_intervals`). Name a rise or fall only where the interval excludes 0 (and q is
    small); the module docstring gives how often either happens on random halves of a corpus, with no true difference.
    """
    if wanted(coded, corpus, client=client):
        table = call("article_theme_table", coded, by, corpus, codebook=codebook, client=client)
    else:
        table = article_theme_table(coded, by, corpus, codebook)
    _check(n_boot, method)
    _percentiles(level)
    ids = [c for c in table.columns if c != "n_paragraphs"]
    k = len(ids)
    present = set(table.index.get_level_values(0))
    for name, g in (("a", a), ("b", b)):
        if g not in present:
            raise KeyError(f"{name}={g!r} is not a group of {by!r} (groups: {sorted(map(str, present))[:20]})")
    if a == b:
        raise ValueError("a and b are the same group")
    va = table.xs(a, level=0)[ids + ["n_paragraphs"]].to_numpy(dtype=np.float64)
    vb = table.xs(b, level=0)[ids + ["n_paragraphs"]].to_numpy(dtype=np.float64)
    ta, tb = va.sum(axis=0), vb.sum(axis=0)
    share_a, share_b = ta[:k] / ta[k], tb[:k] / tb[k]
    diff = share_a - share_b
    rng = np.random.default_rng(seed)
    sums = _resample_sums(np.vstack([va, vb]), np.array([len(va), len(vb)]), n_boot, rng)
    boot = sums[:, 0, :k] / sums[:, 0, k:] - sums[:, 1, :k] / sums[:, 1, k:]
    if min(len(va), len(vb)) < 2:  # as in theme_share_intervals: one article, no spread between articles
        lo, hi = np.full(k, np.nan), np.full(k, np.nan)
    elif method in _SCORE:  # Newcombe's hybrid interval on the two groups' intervals
        la, ua = _SCORE[method](share_a, sums[:, 0, :k] / sums[:, 0, k:], ta[k], len(va), level)
        lb, ub = _SCORE[method](share_b, sums[:, 1, :k] / sums[:, 1, k:], tb[k], len(vb), level)
        lo = diff - np.sqrt((share_a - la) ** 2 + (ub - share_b) ** 2)
        hi = diff + np.sqrt((ua - share_a) ** 2 + (share_b - lb) ** 2)
    else:
        lo, hi = _bootstrap_difference(va, vb, ta, tb, boot, diff, level, method)
    pooled = np.vstack([va, vb])
    perm_a = _permuted_sums(pooled, len(va), n_boot, rng)
    perm_b = pooled.sum(axis=0) - perm_a
    perm = perm_a[:, :k] / perm_a[:, k:] - perm_b[:, :k] / perm_b[:, k:]
    tol = 1e-12 * np.maximum(1.0, np.abs(diff))  # ties (the same split of paragraphs) count as extreme
    p = (1 + (np.abs(perm) >= np.abs(diff) - tol).sum(axis=0)) / (1 + n_boot)
    return pd.DataFrame({
        "theme": ids, "share_a": share_a, "share_b": share_b, "diff": diff, "lo": lo, "hi": hi, "p": p,
        "q": bh_qvalues(p), "n_articles_a": len(va), "n_articles_b": len(vb),
        "n_paragraphs_a": int(ta[k]), "n_paragraphs_b": int(tb[k]),
    })
