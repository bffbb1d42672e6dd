"""Reference values for the interval tests, worked out apart from analysis/intervals.py: the exact resampling
distribution of a few articles (every ordered draw of the m articles out of m equally likely), Korn & Graubard's
effective sample size from it, and Clopper and Pearson's interval from scipy's beta distribution."""
from __future__ import annotations

import itertools

import numpy as np
from scipy.stats import beta, norm
from scipy.stats import t as student_t


def exact_effective_n(x, n, level: float = 0.95) -> tuple[float, float]:
    """The share and Korn & Graubard's effective sample size of articles with x[i] of n[i] paragraphs coded: the
    variance of the share over every ordered draw of the m articles, n_eff = p (1 - p) / it, at most the
    paragraphs, times (z / t on m - 1 degrees of freedom)^2."""
    x, n = np.asarray(x, float), np.asarray(n, float)
    m = len(x)
    ratios = [x[list(d)].sum() / n[list(d)].sum() for d in itertools.product(range(m), repeat=m)]
    p = x.sum() / n.sum()
    q = 1 - (1 - level) / 2
    return p, min(p * (1 - p) / np.var(ratios), n.sum()) * (norm.ppf(q) / student_t.ppf(q, m - 1)) ** 2


def clopper_pearson(x: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Clopper and Pearson's exact interval (1934) for x successes of n, from the beta distribution."""
    a = (1 - level) / 2
    return (beta.ppf(a, x, n - x + 1) if x > 0 else 0.0), (beta.ppf(1 - a, x + 1, n - x) if x < n else 1.0)
