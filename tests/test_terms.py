"""analysis.terms: numbers checked against small examples worked by hand, and on the seed articles."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from analysis import cooccurrence, dfm, keyness, kwic, segment, term_frequencies, tfidf, tokenize
from analysis.terms import g2, log_ratio


def _hand_g2(a, b, c, d):
    """G2 = 2 * sum O ln(O/E) over the four cells of [[a, b], [c, d]], written out."""
    n = a + b + c + d
    cells = [(a, (a + b) * (a + c) / n), (b, (a + b) * (b + d) / n),
             (c, (c + d) * (a + c) / n), (d, (c + d) * (b + d) / n)]
    return 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)


# ---------------------------------------------------------------- frequencies


def test_term_frequencies_on_a_hand_example():
    data = pd.DataFrame({"group": ["甲", "甲", "乙"]})
    tokens = [["疫情", "社区", "疫情"], ["疫情"], ["社区", "志愿者"]]
    freq = term_frequencies(data, by="group", tokens=tokens)
    jia = freq[freq["group"] == "甲"].set_index("term")
    assert jia.loc["疫情", "count"] == 3 and jia.loc["社区", "count"] == 1
    assert jia.loc["疫情", "per_1k"] == pytest.approx(3 / 4 * 1000)
    assert jia.loc["疫情", "docs"] == 2 and jia.loc["社区", "docs"] == 1
    assert list(jia["rank"]) == [1, 2]
    yi = freq[freq["group"] == "乙"]
    assert list(yi["term"]) == ["志愿者", "社区"]  # tie on count: ordered by term, every run
    total = term_frequencies(data, tokens=tokens)
    assert dict(zip(total["term"], total["count"])) == {"疫情": 3, "社区": 2, "志愿者": 1}


def test_term_counts_on_the_articles_equal_the_strings_counted_by_hand(corpus):
    freq = term_frequencies(corpus, by="doc_id").set_index(["doc_id", "term"])
    sichuan = corpus.loc[corpus["doc_id"].str.startswith("004")].iloc[0]
    for term in ("十户长", "全员核酸检测", "双报到", "统战部"):
        assert freq.loc[(sichuan["doc_id"], term), "count"] == sichuan["text"].count(term)
    all_tokens = sum(len(tokenize(t)) for t in corpus["text"])
    assert term_frequencies(corpus)["count"].sum() == all_tokens
    assert not {"工作", "积极", "开展"} & set(term_frequencies(corpus, top=30)["term"])
    assert "工作" in set(term_frequencies(corpus, top=5, drop_genre=False)["term"])


def test_group_by_an_article_column_from_paragraphs(corpus, paras):
    by_province = term_frequencies(paras, by="province", corpus=corpus, top=3)
    assert set(by_province["province"]) == set(corpus["province"])
    with pytest.raises(KeyError, match="province"):
        term_frequencies(paras, by="province")
    counts = dfm(paras, by="province", corpus=corpus)
    beijing_ids = set(corpus.loc[corpus["province"] == "北京市", "doc_id"])
    beijing_paras = paras.loc[paras["doc_id"].isin(beijing_ids), "text"]
    assert counts.loc["北京市", "政协"] == sum(tokenize(t).count("政协") for t in beijing_paras) > 30
    assert counts.loc["四川省", "政协"] == 0


def test_min_chars_drops_single_characters(corpus):
    terms = term_frequencies(corpus, min_chars=2)["term"]
    assert terms.str.len().min() == 2
    assert term_frequencies(corpus)["term"].str.len().min() == 1


# ---------------------------------------------------------------- tf-idf


def test_tfidf_on_a_hand_example():
    """Two groups: 甲 = x x y, 乙 = y z. Smoothed idf = ln((1+2)/(1+df)) + 1; rows L2-normalised."""
    data = pd.DataFrame({"g": ["甲", "乙"]})
    out = tfidf(data, by="g", tokens=[["x", "x", "y"], ["y", "z"]], top=None)
    idf_x = math.log(3 / 2) + 1
    norm = math.hypot(2 * idf_x, 1.0)
    jia = out[out["g"] == "甲"].set_index("term")
    assert jia.loc["x", "tfidf"] == pytest.approx(2 * idf_x / norm)
    assert jia.loc["y", "tfidf"] == pytest.approx(1 / norm)
    assert jia.loc["x", "count"] == 2 and jia.loc["y", "groups"] == 2
    assert list(jia.index) == ["x", "y"]


def test_tfidf_brings_up_each_articles_own_terms(corpus):
    top = tfidf(corpus, by="doc_id", min_chars=2, top=10)
    assert len(top) == 50
    sichuan = set(top.loc[top["doc_id"].str.startswith("004"), "term"])
    assert {"统战", "全员核酸检测"} <= sichuan
    assert "四平市委" in set(top.loc[top["doc_id"].str.startswith("002"), "term"])


# ---------------------------------------------------------------- keyness


def test_g2_equals_the_hand_computation():
    # term: 10 of 100 target tokens, 2 of 200 reference tokens
    assert g2(10, 2, 90, 198) == pytest.approx(_hand_g2(10, 2, 90, 198))
    assert g2(10, 2, 90, 198) == pytest.approx(13.34928, abs=1e-4)
    assert g2(2, 10, 98, 190) < 0  # under-represented in the target: negative
    # Williams: G2 / q, q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / 6N
    q = 1 + (300 / 12 + 300 / 288 - 1) * (300 / 100 + 300 / 200 - 1) / (6 * 300)
    assert g2(10, 2, 90, 198, "williams") == pytest.approx(_hand_g2(10, 2, 90, 198) / q)
    # Yates (quanteda's default): expected count 4 < 5 and |ad - bc| = 1800 > N/2, cells move 0.5
    assert g2(10, 2, 90, 198, "yates") == pytest.approx(_hand_g2(9.5, 2.5, 90.5, 197.5))
    # at the boundary |ad - bc| = N/2 quanteda's code (>=, not >) still corrects: [[2, 1], [2, 3]],
    # N = 8, |6 - 2| = 4, expected 1.5 < 5; the cells move to [[1.5, 1.5], [2.5, 2.5]], independence
    assert g2(2, 1, 2, 3, "none") == pytest.approx(_hand_g2(2, 1, 2, 3)) and _hand_g2(2, 1, 2, 3) > 0.1
    assert g2(2, 1, 2, 3, "yates") == pytest.approx(_hand_g2(1.5, 1.5, 2.5, 2.5), abs=1e-12)
    assert g2(2, 1, 2, 3, "yates") == pytest.approx(0.0, abs=1e-12)
    # just below the boundary ([[2, 1], [2, 2]]: |4 - 2| = 2 < N/2 = 3.5) nothing moves
    assert g2(2, 1, 2, 2, "yates") == pytest.approx(_hand_g2(2, 1, 2, 2))
    assert log_ratio(10, 2, 100, 200) == pytest.approx(math.log2(10))
    assert log_ratio(0, 4, 100, 200) == pytest.approx(math.log2((0.5 / 100) / (4 / 200)))
    with pytest.raises(ValueError):
        g2(1, 1, 1, 1, "fisher")


def test_keyness_table_on_a_hand_example():
    tokens = [["疫情"] * 10 + ["其他"] * 90, ["疫情"] * 2 + ["其他"] * 198]
    data = pd.DataFrame({"side": ["目标", "参照"]})
    table = keyness(data, "目标", by="side", tokens=tokens, correction="none")
    assert list(table["term"]) == ["疫情", "其他"]
    row = table.iloc[0]
    assert (row["n_target"], row["n_reference"]) == (10, 2)
    assert row["G2"] == pytest.approx(_hand_g2(10, 2, 90, 198))
    assert row["p"] == pytest.approx(chi2.sf(_hand_g2(10, 2, 90, 198), 1))
    assert row["log_ratio"] == pytest.approx(math.log2(10))
    assert row["per_1k_target"] == pytest.approx(100) and row["per_1k_reference"] == pytest.approx(10)
    assert table.iloc[1]["G2"] == pytest.approx(-_hand_g2(90, 198, 10, 2))
    # the same from a dfm
    matrix = pd.DataFrame({"疫情": [10, 2], "其他": [90, 198]}, index=["目标", "参照"])
    assert keyness(matrix, "目标", correction="none")["G2"].tolist() == pytest.approx(table["G2"].tolist())


def test_keyness_beijing_vs_rest(corpus):
    table = keyness(corpus, "北京市", by="province").set_index("term")
    beijing = corpus[corpus["province"] == "北京市"]
    n_zhengxie = sum(tokenize(t).count("政协") for t in beijing["text"])
    assert table.loc["政协", "n_target"] == n_zhengxie > 30
    assert table.loc["政协", "n_reference"] == 0
    assert table.loc["政协", "G2"] > 0 and table.loc["政协", "p"] < 0.001
    assert table.loc["统战", "G2"] < 0 and table.loc["统战", "log_ratio"] < 0
    assert table["G2"].is_monotonic_decreasing
    with pytest.raises(KeyError):
        keyness(corpus, "上海市", by="province")
    with pytest.raises(ValueError):
        keyness(corpus.assign(all="x"), "x", by="all")


# ---------------------------------------------------------------- KWIC


def test_kwic_on_the_articles(paras):
    hits = kwic(paras, "十户长", window=3)
    assert len(hits) == 2 and set(hits["doc_id"].str[:3]) == {"004"}
    assert (hits["keyword"] == "十户长").all()
    assert hits["pre"].str.endswith("“").all() and hits["post"].str.startswith("”").all()
    assert list(hits.columns[:3]) == ["doc_id", "para_no", "section"]
    # whole tokens only: 疫情 inside 疫情防控 is not a hit
    n_tokens = sum(segment(t).count("疫情") for t in paras["text"])
    yiqing = kwic(paras, "疫情", window=2)
    assert len(yiqing) == n_tokens < sum(t.count("疫情") for t in paras["text"])
    # a phrase of several tokens matches as a sequence
    phrase = kwic(paras, "打赢疫情防控阻击战", window=2)
    assert len(phrase) == sum(t.count("打赢疫情防控阻击战") for t in paras["text"]) > 3
    assert kwic(paras, "不存在的词语").empty


# ---------------------------------------------------------------- co-occurrence


def test_cooccurrence_on_a_hand_example():
    tokens = [["甲", "乙", "甲"], ["甲", "乙", "丙"], ["丙"]]
    data = pd.DataFrame({"para": [1, 2, 3]})
    pairs = cooccurrence(data, tokens=tokens).set_index(["term_a", "term_b"])
    assert pairs.loc[("乙", "甲"), "count"] == 2  # paragraphs, not occurrences
    assert pairs.loc[("丙", "甲"), "count"] == 1
    assert pairs.loc[("丙", "甲"), "jaccard"] == pytest.approx(1 / 3)
    assert pairs.loc[("乙", "甲"), "jaccard"] == pytest.approx(1.0)
    assert len(cooccurrence(data, tokens=tokens, min_count=2)) == 1


def test_cooccurrence_on_the_paragraphs(paras):
    pairs = cooccurrence(paras, terms=["社区", "志愿者", "政协"])
    both = sum(("社区" in toks and "志愿者" in toks) for toks in map(tokenize, paras["text"]))
    row = pairs[(pairs["term_a"] == "志愿者") & (pairs["term_b"] == "社区")]
    assert int(row["count"].iloc[0]) == both > 0
    assert np.all(pairs["count"].to_numpy()[:-1] >= pairs["count"].to_numpy()[1:])


def test_cached_term_table_equals_the_computed_one_with_gaps_in_an_int_group(tmp_path, monkeypatch):
    """A year column with missing values (articles without a date): the table read back from the cache is
    the table computed, group column type included."""
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    sentences = ["政协委员积极建言献策助力复工复产", "统战部组织党外人士开展疫情防控志愿服务",
                 "工商联动员民营企业捐款捐物", "侨联联系海外侨胞捐赠防疫物资"]
    n = 1200  # the table is cached from 1,000 rows on
    data = pd.DataFrame({"text": [sentences[i % 4] * (1 + i % 3) for i in range(n)],
                         "year": pd.array([2020 + i % 3 if i % 7 else None for i in range(n)], dtype="Int64")})
    first = term_frequencies(data, by="year")
    again = term_frequencies(data, by="year")
    assert any((tmp_path / "cache" / "term_frequencies").iterdir())  # the second came from the cache
    assert first["year"].dtype == data["year"].dtype and first["year"].isna().any()
    pd.testing.assert_frame_equal(first, again)


def test_term_frequencies_with_tokens_none_counts_the_texts(corpus):
    from pandas.testing import assert_frame_equal

    assert_frame_equal(term_frequencies(corpus, by="doc_id", tokens=None), term_frequencies(corpus, by="doc_id"))
