"""Theme-share intervals and contrasts (analysis/intervals.py): speed at real size, and whether they are right.

    .venv/bin/python benchmarks/bench_intervals.py                 # speed, then the validation
    .venv/bin/python benchmarks/bench_intervals.py --speed         # speed only
    .venv/bin/python benchmarks/bench_intervals.py --validate --replicates 1000

Speed: `theme_share_intervals(coded, "year", corpus)` (1,000 resamples) on the paragraphs of all of
../shared/corpora (about 262k paragraphs, 12 themes; target 10 s), and by province and for
`theme_share_difference`, beside a naive baseline measured in the same run: a Python loop that draws each
group's articles with numpy and sums their paragraphs with pandas, one resample at a time (timed on 20
resamples and scaled to 1,000).

Validation, on the CCTV 2020-2022 corpus (every article; the population share of each theme is known):
- coverage: random samples of 200 articles; how often the 95 % interval of each theme holds the population
  share (target >= 0.92), for each `method=` and for a paragraph-level binomial (Wald) interval;
- level: random pairs of 200-article halves with no true difference; how often p < 0.05 (target <= 0.08),
  and how often the interval of the difference excludes 0.
Loading and coding use the cache (.cache/ or $ANALYSIS_CACHE_DIR); their time is not part of the figures.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import analysis as A  # noqa: E402
from analysis.intervals import METHODS  # noqa: E402
from analysis.paths import SHARED_CORPORA  # noqa: E402

FILES = ["xwlb_2012_2019.jsonl.xz", "xwlb_2020_2022.jsonl.xz"]
SCORE = ("korn-graubard", "wilson")  # the intervals of a difference compared on the random halves


def coded_corpus(files: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the empty CCTV items are skipped with a warning
        corpus = A.load_corpus([str(SHARED_CORPORA / f) for f in files], errors="skip", progress=False)
    return corpus, A.code_paragraphs(A.paragraphs(corpus))


def naive_intervals(coded: pd.DataFrame, by: str, corpus: pd.DataFrame, n_boot: int, seed: int = 0):
    """The obvious code: per resample, draw each group's articles and sum their paragraphs with pandas."""
    ids = A.themes.theme_ids(coded)
    year = coded["doc_id"].map(corpus.set_index("doc_id")["date"].dt.year if by == "year"
                               else corpus.set_index("doc_id")[by])
    per_article = coded[ids].astype(int).assign(n=1).groupby([year.rename(by), coded["doc_id"]]).sum()
    rng = np.random.default_rng(seed)
    shares = []
    for _ in range(n_boot):
        one = {}
        for group, articles in per_article.groupby(level=0):
            drawn = articles.iloc[rng.integers(0, len(articles), len(articles))]
            total = drawn.sum()
            one[group] = total[ids] / total["n"]
        shares.append(pd.DataFrame(one))
    return pd.concat(shares, keys=range(n_boot)).groupby(level=1).quantile([0.025, 0.975])


def timed(func, *args, **kwargs):
    t = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t


def speed() -> None:
    corpus, coded = coded_corpus(FILES)
    n_themes = len(A.themes.theme_ids(coded))
    print(f"speed: {len(coded):,} paragraphs of {len(corpus):,} articles, {n_themes} themes, 1,000 resamples")
    for by in ("year", "province"):
        table, secs = timed(A.theme_share_intervals, coded, by, corpus, n_boot=1000)
        print(f"  theme_share_intervals(by={by!r}): {secs:6.2f} s  ({table[by].nunique()} groups; target 10 s)")
    _, secs = timed(A.theme_share_difference, coded, "year", 2020, 2019, corpus, n_boot=1000)
    print(f"  theme_share_difference(year 2020 vs 2019): {secs:6.2f} s  (1,000 resamples + 1,000 permutations)")
    _, secs = timed(naive_intervals, coded, "year", corpus, 20)
    print(f"  naive baseline (pandas loop), by='year': {secs:6.2f} s for 20 resamples "
          f"-> {secs * 50:6.1f} s for 1,000")


def validate(replicates: int, seed: int) -> None:
    corpus, coded = coded_corpus(FILES[1:])
    ids = A.themes.theme_ids(coded)
    truth = coded[ids].mean()
    docs = coded["doc_id"].unique()
    print(f"validation: CCTV 2020-2022, {len(docs):,} articles, {len(coded):,} paragraphs; {replicates} replicates")
    print("  population shares: " + ", ".join(f"{t} {truth[t]:.3%}" for t in ids))
    rng = np.random.default_rng(seed)
    cover = {m: [] for m in METHODS}
    width = {m: [] for m in METHODS}
    wald = []
    t = time.perf_counter()
    for r in range(replicates):
        sample = coded[coded["doc_id"].isin(rng.choice(docs, 200, replace=False))].assign(all=1)
        for m in METHODS:
            iv = A.theme_share_intervals(sample, "all", n_boot=1000, seed=r, method=m).set_index("theme").loc[ids]
            cover[m].append(((iv["lo"] <= truth) & (truth <= iv["hi"])).to_numpy())
            width[m].append((iv["hi"] - iv["lo"]).to_numpy())
        p, n = sample[ids].mean(), len(sample)
        half = 1.959964 * np.sqrt(p * (1 - p) / n)
        wald.append(((p - half <= truth) & (truth <= p + half)).to_numpy())
    print(f"  coverage of the 95 % interval, 200-article samples ({time.perf_counter() - t:.0f} s; target >= 0.92):")
    for m in METHODS:
        c = np.array(cover[m])
        print(f"    {m:<13} {c.mean():.3f}  mean width {np.mean(width[m]):.4f}  per theme: "
              + " ".join(f"{x:.2f}" for x in c.mean(axis=0)))
    print(f"    {'binomial':<13} {np.mean(wald):.3f}  (paragraph-level Wald interval)")

    t = time.perf_counter()
    p_low, excludes = [], {m: [] for m in SCORE}
    for r in range(replicates):
        chosen = rng.choice(docs, 400, replace=False)
        half = pd.Series(np.repeat(["a", "b"], 200), index=chosen)
        sample = coded[coded["doc_id"].isin(chosen)]
        sample = sample.assign(half=sample["doc_id"].map(half))
        for m in SCORE:
            d = A.theme_share_difference(sample, "half", "a", "b", n_boot=1000, seed=r, method=m)
            excludes[m].append(((d["lo"] > 0) | (d["hi"] < 0)).to_numpy())
            if m == SCORE[0]:
                p_low.append((d["p"] < 0.05).to_numpy())
    print(f"  random halves of 400 articles, no true difference ({time.perf_counter() - t:.0f} s; target <= 0.08):")
    print(f"    p < 0.05: {np.mean(p_low):.3f}  per theme: " + " ".join(f"{x:.2f}" for x in np.mean(p_low, axis=0)))
    for m in SCORE:
        print(f"    interval excludes 0 ({m}): {np.mean(excludes[m]):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true", help="only the speed figures")
    parser.add_argument("--validate", action="store_true", help="only the validation figures")
    parser.add_argument("--replicates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not SHARED_CORPORA.exists():
        print(f"skipped: no {SHARED_CORPORA}")
        return
    if not args.validate:
        speed()
    if not args.speed:
        validate(args.replicates, args.seed)


if __name__ == "__main__":
    main()
