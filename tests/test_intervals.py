"""Theme shares with intervals and contrasts (analysis/intervals.py): hand-made articles whose resampling
distribution is worked out by enumeration, the seed corpus, and a sample of the shared CCTV corpus on which
the intervals must cover the known share and the test must keep its level on splits with no difference."""
from __future__ import annotations

import lzma
import math

import numpy as np
import pandas as pd
import pytest
from interval_reference import clopper_pearson, exact_effective_n
from scipy.stats import bootstrap, false_discovery_control, norm
from scipy.stats import t as student_t

from analysis import (
    code_paragraphs,
    keyness,
    load_corpus,
    paragraphs,
    theme_share_difference,
    theme_share_intervals,
    theme_shares,
)
from analysis.intervals import bh_qvalues
from analysis.paths import SHARED_CORPORA

CCTV = SHARED_CORPORA / "xwlb_2020_2022.jsonl.xz"


def coded_table(articles: dict[str, list[bool]], group: dict[str, str] | None = None) -> pd.DataFrame:
    """A coded paragraph table by hand: {doc_id: [theme flag of each paragraph]} for one theme, `community`
    (a codebook id), and every other codebook theme False; `g` = the article's group (default "all")."""
    rows = [(d, i + 1, flag) for d, flags in articles.items() for i, flag in enumerate(flags)]
    frame = pd.DataFrame(rows, columns=["doc_id", "para_no", "community"])
    frame["g"] = [(group or {}).get(d, "all") for d in frame["doc_id"]]
    for other in ("mobilisation", "donation"):
        frame[other] = False
    return frame


def wilson(p: float, n: float, z: float) -> tuple[float, float]:
    """The textbook Wilson score interval (Wilson 1927) for a share p of n."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# ---------------------------------------------------------------- hand-made articles


def test_share_and_counts_of_a_hand_made_group():
    # A: 2 paragraphs, 1 coded; B: 1, none; C: 3, all three -> 4 of 6 paragraphs, 3 articles
    coded = coded_table({"A": [True, False], "B": [False], "C": [True, True, True]})
    row = theme_share_intervals(coded, "g", n_boot=200).set_index("theme").loc["community"]
    assert row["share"] == pytest.approx(4 / 6)
    assert (row["n_paragraphs"], row["n_articles"]) == (6, 3)
    assert list(theme_share_intervals(coded, "g", n_boot=200).columns) == [
        "g", "theme", "share", "lo", "hi", "n_paragraphs", "n_articles"]


def hand_made_effective_n(articles: dict[str, list[bool]], level: float = 0.95) -> tuple[float, float]:
    """The share and Korn & Graubard's effective sample size of hand-made articles ({doc_id: flags})."""
    return exact_effective_n([sum(f) for f in articles.values()], [len(f) for f in articles.values()], level)


HAND_MADE = {"A": [True, False], "B": [False], "C": [True, True, True], "D": [False, False]}  # 4 of 8


def test_default_interval_is_korn_graubards_on_the_exact_bootstrap_variance_of_a_hand_made_group():
    # Clopper-Pearson for share * n_eff successes of n_eff, n_eff from the exact resampling variance
    p, n_eff = hand_made_effective_n(HAND_MADE)
    lo, hi = clopper_pearson(p * n_eff, n_eff)
    row = theme_share_intervals(coded_table(HAND_MADE), "g", n_boot=200_000, seed=3).set_index("theme").loc[
        "community"]
    assert row["share"] == 0.5 and p == 0.5
    assert row["lo"] == pytest.approx(lo, abs=0.004) and row["hi"] == pytest.approx(hi, abs=0.004)
    assert hi - lo > 0.7  # 4 articles: about 1.7 effective paragraphs (4.5 before the t on 3 df), not 8
    # at another level, both the binomial limits and the t adjustment move with it
    p90, n90 = hand_made_effective_n(HAND_MADE, level=0.90)
    lo90, hi90 = clopper_pearson(p90 * n90, n90, level=0.90)
    row90 = theme_share_intervals(coded_table(HAND_MADE), "g", n_boot=200_000, seed=3, level=0.90).set_index(
        "theme").loc["community"]
    assert row90["lo"] == pytest.approx(lo90, abs=0.004) and row90["hi"] == pytest.approx(hi90, abs=0.004)
    assert lo90 - lo > 0.02  # the 90 % interval is visibly narrower


def test_effective_paragraphs_are_capped_at_the_paragraphs_before_the_t_adjustment():
    # 10 articles of 2 paragraphs, 8 of them half coded, one fully and one not: 10 of 20. The articles differ
    # less than 20 independent paragraphs would (resampled variance about 0.005 against 0.25 / 20), so n_eff
    # (about 50) is capped at the 20 paragraphs, and then made smaller by (z / t on 9 df)^2
    articles = {f"d{i}": [True, False] for i in range(8)} | {"d8": [True, True], "d9": [False, False]}
    n_eff = 20 * (norm.ppf(0.975) / student_t.ppf(0.975, 9)) ** 2
    lo, hi = clopper_pearson(0.5 * n_eff, n_eff)
    row = theme_share_intervals(coded_table(articles), "g", n_boot=20_000, seed=1).set_index("theme").loc[
        "community"]
    assert row["lo"] == pytest.approx(lo, abs=1e-9) and row["hi"] == pytest.approx(hi, abs=1e-9)


def test_wilson_interval_on_the_exact_bootstrap_variance_of_a_hand_made_group():
    p, n_eff = hand_made_effective_n(HAND_MADE)
    lo, hi = wilson(p, n_eff, norm.ppf(0.975))
    row = theme_share_intervals(coded_table(HAND_MADE), "g", n_boot=200_000, seed=3, method="wilson").set_index(
        "theme").loc["community"]
    assert row["lo"] == pytest.approx(lo, abs=0.004) and row["hi"] == pytest.approx(hi, abs=0.004)
    kg = theme_share_intervals(coded_table(HAND_MADE), "g", n_boot=200_000, seed=3).set_index("theme").loc[
        "community"]
    assert kg["lo"] < row["lo"] - 0.02 and kg["hi"] > row["hi"] + 0.02  # the exact interval is the wider


def test_difference_interval_is_newcombes_on_the_two_groups_exact_intervals():
    # Newcombe's hybrid interval (1998, method 10) on each group's Korn & Graubard interval, worked out here
    # from the exact resampling distributions: a is HAND_MADE (4 of 8), b three articles with 2 of 6
    other = {"E": [True], "F": [False, False], "G": [False, True, False]}
    pa, na = hand_made_effective_n(HAND_MADE)
    pb, nb = hand_made_effective_n(other)
    (la, ua), (lb, ub) = clopper_pearson(pa * na, na), clopper_pearson(pb * nb, nb)
    lo = pa - pb - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    hi = pa - pb + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    coded = coded_table(HAND_MADE | other, group={d: "a" if d in HAND_MADE else "b" for d in HAND_MADE | other})
    d = theme_share_difference(coded, "g", "a", "b", n_boot=200_000, seed=4).set_index("theme").loc["community"]
    assert d["diff"] == pytest.approx(0.5 - 1 / 3)
    assert d["lo"] == pytest.approx(lo, abs=0.005) and d["hi"] == pytest.approx(hi, abs=0.005)


def test_a_group_of_one_article_gives_a_difference_p_but_no_interval():
    # b is one article: its paragraphs say nothing of how articles vary, so (as theme_share_intervals gives a
    # one-article group no interval) the difference has none, whatever the method. The permutation test still
    # holds: of the 4 ways to pick b's one article from A, B, C, D, only D (1 of 1 paragraph, share_a 1/6)
    # gives |diff| as large as the observed 1 - 1/6; a random permutation hits it a quarter of the time
    coded = coded_table({"A": [False, False], "B": [True, False], "C": [False, False], "D": [True]},
                        group={"A": "a", "B": "a", "C": "a", "D": "b"})
    for method in ("korn-graubard", "wilson", "bca", "percentile"):
        d = theme_share_difference(coded, "g", "a", "b", n_boot=4000, method=method).set_index("theme")
        row = d.loc["community"]
        assert row["diff"] == pytest.approx(1 / 6 - 1)
        assert d["lo"].isna().all() and d["hi"].isna().all()
        assert row["p"] == pytest.approx(0.25, abs=0.03)
        assert (row["n_articles_a"], row["n_articles_b"]) == (3, 1)
    # the single article as the first group: the same
    d = theme_share_difference(coded, "g", "b", "a", n_boot=4000).set_index("theme")
    assert d.at["community", "diff"] == pytest.approx(1 - 1 / 6) and d["lo"].isna().all() and d["hi"].isna().all()


def test_percentile_interval_of_two_articles_spans_their_extremes():
    # A: 1 paragraph, coded; B: 3 paragraphs, none. Resamples AA (share 1), AB, BA (1/4), BB (0),
    # each a quarter of the time: the 2.5 % and 97.5 % points are exactly 0 and 1
    coded = coded_table({"A": [True], "B": [False, False, False]})
    row = theme_share_intervals(coded, "g", n_boot=2000, method="percentile").set_index("theme").loc["community"]
    assert (row["share"], row["lo"], row["hi"]) == (0.25, 0.0, 1.0)


def test_interval_is_wider_than_the_binomial_one_when_paragraphs_cluster():
    # 20 articles of 5 paragraphs; 6 articles entirely coded, 14 not at all: 30 of 100 paragraphs. The
    # paragraphs of an article are alike, so the sample is 20 articles, not 100 paragraphs.
    clustered = coded_table({f"d{i}": [i < 6] * 5 for i in range(20)})
    # the same 30 of 100 coded paragraphs spread evenly over the articles (articles of 1 paragraph)
    spread = coded_table({f"d{i}": [i < 30] for i in range(100)})
    z = norm.ppf(0.975)
    b_lo, b_hi = 0.3 - z * math.sqrt(0.3 * 0.7 / 100), 0.3 + z * math.sqrt(0.3 * 0.7 / 100)
    c = theme_share_intervals(clustered, "g").set_index("theme").loc["community"]
    s = theme_share_intervals(spread, "g").set_index("theme").loc["community"]
    assert c["share"] == s["share"] == pytest.approx(0.3)
    assert c["hi"] - c["lo"] > 1.8 * (b_hi - b_lo)  # 20 effective paragraphs instead of 100
    assert s["hi"] - s["lo"] == pytest.approx(b_hi - b_lo, rel=0.1)  # no clustering: about the binomial width
    # with no spread to measure (a share of 0) the interval uses the articles as the sample: Clopper-Pearson's
    # upper bound for 0 of n is 1 - 0.025^(1/n)
    none = coded_table({f"d{i}": [False] * 5 for i in range(20)})
    z0 = theme_share_intervals(none, "g").set_index("theme").loc["community"]
    n_eff = 20 * (z / student_t.ppf(0.975, 19)) ** 2
    assert (z0["lo"], z0["hi"]) == pytest.approx((0.0, 1 - 0.025 ** (1 / n_eff)))
    w0 = theme_share_intervals(none, "g", method="wilson").set_index("theme").loc["community"]
    assert (w0["lo"], w0["hi"]) == pytest.approx((0.0, wilson(0.0, n_eff, z)[1]))


def test_bca_interval_equals_scipys_bca_over_articles():
    # 60 articles of 1-7 paragraphs; every 12th mostly coded, the rest rarely: a skewed share (19 of 264)
    rng = np.random.default_rng(11)
    flags = {f"d{i}": list(rng.random(n) < (0.7 if i % 12 == 0 else 0.02))
             for i, n in enumerate(rng.integers(1, 8, 60))}
    coded = coded_table(flags)
    x = np.array([sum(f) for f in flags.values()], float)
    n = np.array([len(f) for f in flags.values()], float)
    ratio = lambda i, axis=-1: x[i.astype(int)].sum(axis) / n[i.astype(int)].sum(axis)  # noqa: E731
    ref = bootstrap((np.arange(60),), ratio, vectorized=True, n_resamples=40_000, method="BCa",
                    random_state=0).confidence_interval
    row = theme_share_intervals(coded, "g", n_boot=40_000, method="bca").set_index("theme").loc["community"]
    # scipy's own runs differ by about 0.002; the percentile interval (0.022-0.134) is 0.007 and 0.017 away
    assert row["lo"] == pytest.approx(ref.low, abs=0.003) and row["hi"] == pytest.approx(ref.high, abs=0.003)


def test_one_article_has_no_interval_and_bad_arguments_are_named():
    coded = coded_table({"A": [True, False], "B": [False], "C": [True]}, group={"A": "x", "B": "y", "C": "y"})
    table = theme_share_intervals(coded, "g", n_boot=100)
    x = table[(table["g"] == "x") & (table["theme"] == "community")].iloc[0]
    assert x["share"] == 0.5 and np.isnan(x["lo"]) and np.isnan(x["hi"]) and x["n_articles"] == 1
    with pytest.raises(ValueError, match="level"):
        theme_share_intervals(coded, "g", level=95)
    with pytest.raises(ValueError, match="method"):
        theme_share_intervals(coded, "g", method="wald")
    with pytest.raises(KeyError, match="'z'"):
        theme_share_difference(coded, "g", "x", "z")


def test_same_seed_same_intervals_other_seed_other_intervals():
    coded = coded_table({f"d{i}": [i % 3 == 0] * 3 + [i % 2 == 0] for i in range(30)})
    one = theme_share_intervals(coded, "g", seed=5)
    pd.testing.assert_frame_equal(one, theme_share_intervals(coded, "g", seed=5))
    assert not one["hi"].equals(theme_share_intervals(coded, "g", seed=6)["hi"])
    d = theme_share_difference(coded.assign(g=coded["doc_id"].str[1:].astype(int) % 2), "g", 0, 1, seed=5)
    pd.testing.assert_frame_equal(d, theme_share_difference(
        coded.assign(g=coded["doc_id"].str[1:].astype(int) % 2), "g", 0, 1, seed=5))


def test_permutation_p_of_a_hand_made_contrast_is_the_exact_one():
    # group a: articles with 2 of 2 and 1 of 2 coded paragraphs; group b: 0 of 2 and 0 of 2.
    articles = {"A1": [True, True], "A2": [True, False], "B1": [False, False], "B2": [False, False]}
    coded = coded_table(articles, group={"A1": "a", "A2": "a", "B1": "b", "B2": "b"})
    d = theme_share_difference(coded, "g", "a", "b", n_boot=20_000, seed=1).set_index("theme").loc["community"]
    assert (d["share_a"], d["share_b"], d["diff"]) == (0.75, 0.0, 0.75)
    # the 6 ways to put 2 of the 4 articles in a: |diff| >= 0.75 only for {A1, A2} and {B1, B2}
    assert d["p"] == pytest.approx(2 / 6, abs=0.01)
    assert (d["n_articles_a"], d["n_paragraphs_b"]) == (2, 4)


def test_bh_q_values_equal_scipys():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=200) ** 3, [0.01, 0.01, 1.0, 0.0]])
    np.testing.assert_allclose(bh_qvalues(p), false_discovery_control(p, method="bh"), rtol=1e-12)
    # hand example: p = .01, .04, .03, .5 -> sorted .01 .03 .04 .5, times 4/rank: .04 .06 .0533 .5,
    # running minimum from the top: .04 .0533 .0533 .5
    assert bh_qvalues([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.5])
    q = bh_qvalues([0.2, np.nan, 0.01])
    assert np.isnan(q[1]) and q[[0, 2]] == pytest.approx([0.2, 0.02])  # NaN is not a test


# ---------------------------------------------------------------- the seed corpus


@pytest.fixture(scope="module")
def coded(paras):
    return code_paragraphs(paras)


def test_shares_equal_theme_shares_on_the_seeds(coded, corpus):
    for by in ("province", "year", "doc_id"):
        table = theme_share_intervals(coded, by, corpus, n_boot=50)
        wide = table.pivot(index="theme", columns=by, values="share")
        expected = theme_shares(coded, by, corpus)
        pd.testing.assert_frame_equal(wide.reindex(index=expected.index, columns=expected.columns), expected,
                                      check_names=False, check_dtype=False)
    beijing = theme_share_intervals(coded, "province", corpus, n_boot=50).query("province == '北京市'")
    assert set(beijing["n_articles"]) == {3}  # 000, 001, 003
    assert set(beijing["n_paragraphs"]) == {int((coded["doc_id"].str[:3].isin(["000", "001", "003"])).sum())}
    assert (beijing["lo"] <= beijing["share"]).all() and (beijing["share"] <= beijing["hi"]).all()


def test_keyness_q_is_bh_over_the_terms_tested(corpus):
    table = keyness(corpus, "北京市", by="province")
    assert list(table.columns[:6]) == ["term", "n_target", "n_reference", "G2", "p", "q"]
    np.testing.assert_allclose(table["q"], false_discovery_control(table["p"], method="bh"), rtol=1e-10)
    assert (table["q"] >= table["p"]).all() and table.loc[table["term"] == "政协", "q"].iloc[0] < 0.01


# ---------------------------------------------------------------- a sample of the CCTV corpus


@pytest.fixture(scope="module")
def cctv_sample(tmp_path_factory):
    """Every 6th item of the 2020-2022 CCTV corpus (about 2,900 articles), loaded and coded."""
    if not CCTV.exists():
        pytest.skip(f"no {CCTV} (the shared corpora live beside the project)")
    path = tmp_path_factory.mktemp("cctv") / "sample.jsonl"
    with lzma.open(CCTV, "rt", encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        out.writelines(line for i, line in enumerate(src) if i % 6 == 0)
    with pytest.warns(UserWarning, match="empty"):  # a few CCTV items have no text
        corpus = load_corpus(path, errors="skip", progress=False)
    return corpus, code_paragraphs(paragraphs(corpus))


@pytest.fixture(scope="module")
def cctv(cctv_sample):
    return cctv_sample[1]


@pytest.fixture(scope="module")
def cctv_corpus(cctv_sample):
    return cctv_sample[0]


def test_intervals_cover_the_known_share_of_the_sample(cctv):
    # the sample is the population: its share is known; 40 random draws of 200 of its articles
    themes = [c for c in ("mobilisation", "economy", "medical", "testing", "publicity", "overseas",
                          "community", "donation", "advice", "livelihood", "religion", "parties") if c in cctv]
    truth = cctv[themes].mean()
    docs = cctv["doc_id"].unique()
    rng = np.random.default_rng(2024)
    hits, binomial = [], []
    for r in range(40):
        sample = cctv[cctv["doc_id"].isin(rng.choice(docs, 200, replace=False))].assign(all=1)
        table = theme_share_intervals(sample, "all", n_boot=400, seed=r).set_index("theme").loc[themes]
        hits += list((table["lo"] <= truth) & (truth <= table["hi"]))
        p, n = sample[themes].mean(), len(sample)
        half = norm.ppf(0.975) * np.sqrt(p * (1 - p) / n)
        binomial += list((p - half <= truth) & (truth <= p + half))
    assert np.mean(hits) >= 0.90  # 0.95 in benchmarks/bench_intervals.py with 1,000 draws
    assert np.mean(hits) > np.mean(binomial) + 0.05  # the paragraph-level interval is too narrow


def test_no_difference_is_found_between_random_halves(cctv):
    docs = cctv["doc_id"].unique()
    rng = np.random.default_rng(7)
    p_values, excluded = [], []
    for r in range(30):
        chosen = rng.choice(docs, 400, replace=False)
        half = pd.Series(np.repeat(["a", "b"], 200), index=chosen)
        sample = cctv[cctv["doc_id"].isin(chosen)]
        d = theme_share_difference(sample.assign(half=sample["doc_id"].map(half)), "half", "a", "b",
                                   n_boot=400, seed=r)
        p_values += list(d["p"])
        excluded += list((d["lo"] > 0) | (d["hi"] < 0))
        np.testing.assert_allclose(d["q"], false_discovery_control(d["p"], method="bh"))
    assert np.mean(np.array(p_values) < 0.05) <= 0.09
    assert np.mean(excluded) <= 0.09


def test_a_real_difference_is_found(cctv, cctv_corpus):
    # medical care and testing in the CCTV news of 2020 against 2022 (the shares from the coded table)
    d = theme_share_difference(cctv, "year", 2020, 2022, cctv_corpus, n_boot=400).set_index("theme")
    years = cctv["doc_id"].map(cctv_corpus.set_index("doc_id")["date"].dt.year)
    for theme in ("testing", "medical"):
        a, b = cctv.loc[years == 2020, theme].mean(), cctv.loc[years == 2022, theme].mean()
        assert d.loc[theme, "diff"] == pytest.approx(a - b)
    assert d.loc["medical", "diff"] > 0.02 and d.loc["medical", "q"] < 0.01 and d.loc["medical", "lo"] > 0
    strong = d[d["q"] < 0.01]
    assert ((strong["lo"] > 0) | (strong["hi"] < 0)).all()  # the interval agrees with the test


def test_intervals_of_a_large_table_are_read_back_from_the_cache(cctv, cctv_corpus, monkeypatch, tmp_path):
    """Of 2,000 articles or more the intervals are kept in the cache (the build's explorer and notebook 03 ask
    for the same ones): asked again, the same table comes back without resampling; a table that differs in one
    article's count is resampled."""
    import analysis.intervals as iv

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    first = theme_share_intervals(cctv, by="year", corpus=cctv_corpus)
    assert cctv["doc_id"].nunique() >= iv.MEMO_ARTICLES and len(list((tmp_path / "intervals").iterdir())) == 1
    real = iv._intervals_from_table
    monkeypatch.setattr(iv, "_intervals_from_table", lambda *a, **k: pytest.fail("resampled again"))
    pd.testing.assert_frame_equal(theme_share_intervals(cctv, by="year", corpus=cctv_corpus), first)
    calls = []
    monkeypatch.setattr(iv, "_intervals_from_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    i = cctv.index[~cctv["economy"].to_numpy(dtype=bool)][0]
    edited = cctv.copy()
    edited.loc[i, "economy"] = True
    other = theme_share_intervals(edited, by="year", corpus=cctv_corpus)
    assert calls == [1] and not other.equals(first)
    assert (other["share"] - first["share"]).abs().max() > 0
