"""analysis.terms: numbers checked against small examples worked by hand, and on the seed articles."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from analysis import cooccurrence, dfm, keyness, kwic, term_frequencies, tfidf, tokenize_corpus
from analysis.terms import frequencies as terms_module
from analysis.terms import g2, log_ratio
from analysis.terms.frequencies import dfm_from


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


# Content tokens per seed article (000 ... 004), and per province of the paragraphs (headings are not
# paragraphs): the same with the jieba engine (the reference segmenter, Python) as with rjieba (the default).
TOKENS_PER_ARTICLE = {"000": 769, "001": 713, "002": 319, "003": 627, "004": 1621}
TOKENS_PER_PROVINCE_IN_PARAGRAPHS = {"北京市": 2042, "吉林省": 319, "四川省": 1543}


def test_term_counts_of_the_sichuan_article_equal_the_strings_counted_by_hand(corpus):
    """004's ten most frequent terms with their counts, per_1k, docs and rank. Each count is the term's
    occurrences in the text (str.count), less those inside a longer lexicon token: 社区 35 - 1 (社区服务),
    统战 43 - 18 (统战部), 疫情 74 - 58 (疫情防控), 群众 18 - 3 (信教群众 x2, 联系群众)."""
    freq = term_frequencies(corpus, by="doc_id")
    sichuan = freq[freq["doc_id"].str.startswith("004")]
    text = corpus.loc[corpus["doc_id"].str.startswith("004"), "text"].iloc[0]
    top = [("疫情防控", 58), ("社区", 34), ("统战", 25), ("志愿者", 18), ("统战部", 18), ("抗疫", 17),
           ("疫情", 16), ("群众", 15), ("全员核酸检测", 14), ("统一战线", 14)]
    assert list(zip(sichuan["term"], sichuan["count"]))[:10] == top  # ties (18, 14) ordered by term
    for term in ("疫情防控", "志愿者", "统战部", "抗疫", "全员核酸检测", "统一战线", "十户长", "双报到"):
        assert sichuan.set_index("term").loc[term, "count"] == text.count(term), term
    assert (text.count("社区") - text.count("社区服务"), text.count("统战") - text.count("统战部"),
            text.count("疫情") - text.count("疫情防控")) == (34, 25, 16)
    assert sichuan["count"].sum() == 1621 and len(sichuan) == 786  # tokens, distinct terms
    assert sichuan["per_1k"].iloc[0] == pytest.approx(58 / 1621 * 1000)
    assert sichuan["rank"].tolist() == list(range(1, 787)) and (sichuan["docs"] == 1).all()
    totals = freq.groupby(freq["doc_id"].str[:3])["count"].sum().to_dict()
    assert totals == TOKENS_PER_ARTICLE
    assert term_frequencies(corpus)["count"].sum() == sum(TOKENS_PER_ARTICLE.values()) == 4049
    assert not {"工作", "积极", "开展"} & set(term_frequencies(corpus, top=30)["term"])
    assert "工作" in set(term_frequencies(corpus, top=5, drop_genre=False)["term"])


def test_term_frequencies_count_given_tokens_like_sklearns_count_vectorizer(corpus):
    """With tokens= the counting is checked against an independent counter: scikit-learn's
    CountVectorizer (counts, and binary for docs) over the same token lists, group by group."""
    from sklearn.feature_extraction.text import CountVectorizer

    tokens = tokenize_corpus(list(corpus["text"]), progress=False)
    groups = corpus["doc_id"].str[:3].map({"000": "京", "001": "京", "003": "京", "002": "吉", "004": "川"})
    data = pd.DataFrame({"g": groups})
    freq = term_frequencies(data, by="g", tokens=tokens)
    for g in ("京", "吉", "川"):
        lists = [ts for ts, h in zip(tokens, groups) if h == g]
        vec = CountVectorizer(analyzer=lambda ts: ts, lowercase=False)
        counts = vec.fit_transform(lists)
        want = dict(zip(vec.get_feature_names_out(), np.asarray(counts.sum(axis=0)).ravel()))
        docs = dict(zip(vec.get_feature_names_out(), np.asarray((counts > 0).sum(axis=0)).ravel()))
        got = freq[freq["g"] == g]
        assert dict(zip(got["term"], got["count"])) == want
        assert dict(zip(got["term"], got["docs"])) == docs
        total = sum(want.values())
        assert got["per_1k"].tolist() == pytest.approx([want[t] / total * 1000 for t in got["term"]])
        order = sorted(want, key=lambda t: (-want[t], t))
        assert got["term"].tolist() == order and got["rank"].tolist() == list(range(1, len(order) + 1))


def test_group_by_an_article_column_from_paragraphs(corpus, paras):
    by_province = term_frequencies(paras, by="province", corpus=corpus, top=3)
    assert list(zip(by_province["province"], by_province["term"], by_province["count"], by_province["docs"])) == [
        ("北京市", "疫情防控", 50, 26), ("北京市", "政协", 42, 21), ("北京市", "政协委员", 40, 18),
        ("吉林省", "一线", 5, 3), ("吉林省", "排查", 5, 3), ("吉林省", "社区", 5, 3),
        ("四川省", "疫情防控", 53, 30), ("四川省", "社区", 33, 17), ("四川省", "统战", 23, 15)]
    assert by_province["per_1k"].tolist() == pytest.approx(
        [50 / 2.042, 42 / 2.042, 40 / 2.042, 5 / 0.319, 5 / 0.319, 5 / 0.319, 53 / 1.543, 33 / 1.543, 23 / 1.543])
    with pytest.raises(KeyError, match="province"):
        term_frequencies(paras, by="province")
    # the same with the paragraphs' tokens given: the province joined from the corpus, the top term kept
    tokens = tokenize_corpus(list(paras["text"]), progress=False)
    given = term_frequencies(paras, by="province", corpus=corpus, tokens=tokens, top=1)
    assert list(zip(given["province"], given["term"], given["count"], given["docs"])) == [
        ("北京市", "疫情防控", 50, 26), ("吉林省", "一线", 5, 3), ("四川省", "疫情防控", 53, 30)]
    counts = dfm(paras, by="province", corpus=corpus)
    assert counts.sum(axis=1).to_dict() == TOKENS_PER_PROVINCE_IN_PARAGRAPHS
    assert counts.shape == (3, 1622) and list(counts.columns[:2]) == ["疫情防控", "疫情"]
    assert counts.loc["北京市", "政协"] == 42 and counts.loc["四川省", "政协"] == 0
    assert counts.loc["四川省", "统战"] == 23 and counts.loc["北京市", "统战"] == 0


def test_groups_of_given_tokens_come_sorted_with_a_missing_group_last():
    """Rows of groups 甲, (missing), 乙, 甲: the groups in sorted order 乙 (U+4E59), 甲 (U+7532), then the rows
    without a group as a group of their own, not dropped; the same groups for tf-idf."""
    data = pd.DataFrame({"g": ["甲", None, "乙", "甲"]})
    tokens = [["x"], ["y"], ["z", "x"], ["x"]]
    freq = term_frequencies(data, by="g", tokens=tokens)
    assert freq["g"].tolist()[:3] == ["乙", "乙", "甲"] and pd.isna(freq["g"].iloc[3])
    assert list(zip(freq["term"], freq["count"], freq["docs"])) == [("x", 1, 1), ("z", 1, 1), ("x", 2, 2), ("y", 1, 1)]
    assert list(freq.columns) == ["g", "term", "count", "per_1k", "docs", "rank"]
    assert freq["per_1k"].tolist() == [500.0, 500.0, 1000.0, 1000.0]  # the missing group's one token: 1000 per 1k
    weights = tfidf(data, by="g", tokens=tokens)
    assert weights["g"].tolist()[:3] == ["乙", "乙", "甲"] and pd.isna(weights["g"].iloc[3])
    assert weights["term"].tolist() == ["z", "x", "x", "y"]
    assert freq.index.tolist() == [0, 1, 2, 3] and list(data.columns) == ["g"]  # the caller's table untouched


def test_given_tokens_keep_the_type_of_an_int_group_with_gaps():
    """Years as Int64 with a missing one: counted from given tokens, the year column stays Int64."""
    data = pd.DataFrame({"year": pd.array([2020, None, 2021], dtype="Int64")})
    freq = term_frequencies(data, by="year", tokens=[["疫情"], ["社区"], ["疫情", "疫情"]])
    assert freq["year"].dtype == data["year"].dtype
    assert freq["year"].tolist()[:2] == [2020, 2021] and pd.isna(freq["year"].iloc[2])
    assert freq["count"].tolist() == [1, 2, 1]


def test_terms_that_are_not_text_are_ordered_by_count_then_value_and_no_rows_give_an_empty_table():
    """Token lists of numbers (Arrow cannot sort them as text): 3 twice, then 1 and 2 once, in order of value,
    ranks 1 to 3; the counts stay integers. No rows at all: an empty table, not an error."""
    freq = term_frequencies(pd.DataFrame({"g": ["a", "a"]}), by="g", tokens=[[3, 2, 3], [1]])
    assert list(zip(freq["term"], freq["count"], freq["rank"])) == [(3, 2, 1), (1, 1, 2), (2, 1, 3)]
    assert freq["count"].dtype.kind == freq["docs"].dtype.kind == freq["rank"].dtype.kind == "i"
    empty = term_frequencies(pd.DataFrame({"g": pd.Series([], dtype=str), "text": pd.Series([], dtype=str)}), by="g")
    assert empty.empty and {"g", "term"} <= set(empty.columns)


def test_groups_of_texts_come_sorted_with_a_missing_group_last_and_a_missing_text_has_no_terms(capsys):
    """Counted from texts (not given tokens): groups 甲, 乙, (missing), 甲 come out 乙 (U+4E59), 甲 (U+7532),
    then the missing group; 甲's texts 疫情防控社区 and 社区: 社区 2, 疫情防控 1; a missing text adds nothing,
    and a group whose text holds no content token (丙: 。。。) has no row. A row without text gives tf-idf no
    term (not the text "nan" or a placeholder). No progress bar on stderr unless asked."""
    data = pd.DataFrame({"g": ["甲", "乙", None, "甲", "甲", "丙"],
                         "text": ["疫情防控社区", "志愿者", "海外侨胞", "社区", None, "。。。"]})
    freq = term_frequencies(data, by="g")
    assert freq["g"].tolist()[:3] == ["乙", "甲", "甲"] and pd.isna(freq["g"].iloc[3])
    assert list(zip(freq["term"], freq["count"])) == [("志愿者", 1), ("社区", 2), ("疫情防控", 1), ("海外侨胞", 1)]
    assert capsys.readouterr().err == ""
    with pytest.raises(KeyError, match="^\"no text column 'body'; pass text_col= or tokens=\"$"):
        term_frequencies(data, by="g", text_col="body")
    weights = tfidf(pd.DataFrame({"g": ["a", "b"], "text": ["疫情防控", None]}), by="g")
    assert list(zip(weights["g"], weights["term"], weights["tfidf"])) == [("a", "疫情防控", 1.0)]


def test_dfm_rows_are_articles_by_default_and_one_row_all_without_groups(corpus):
    """dfm(corpus): one row per article, its content tokens as the row sum; by=None: one row named "all" holding
    every token: 疫情防控 50 + 61 (Beijing and the rest, as in the keyness tests), 4,049 in all. dfm_from of a
    table by province and article adds up the articles of each province."""
    per_article = dfm(corpus)
    assert per_article.index.str[:3].tolist() == list(TOKENS_PER_ARTICLE)
    assert per_article.sum(axis=1).tolist() == list(TOKENS_PER_ARTICLE.values())
    pd.testing.assert_frame_equal(dfm_from(term_frequencies(corpus, by="doc_id")), per_article)
    whole = dfm(corpus, by=None)
    assert whole.index.tolist() == ["all"] and whole.index.name == "group" and whole.columns.name == "term"
    assert whole.loc["all", "疫情防控"] == 111 and int(whole.to_numpy().sum()) == 4049
    by_province = dfm_from(term_frequencies(corpus, by=["province", "doc_id"]), "province")
    assert by_province.loc["北京市", "社区"] == 19 and by_province.loc["北京市", "疫情防控"] == 50
    assert by_province.sum(axis=1).to_dict() == {"北京市": 2109, "吉林省": 319, "四川省": 1621}


def test_tokens_from_a_column_or_a_list_and_what_is_refused(capsys):
    """tokens= names a column of token lists, or gives one list per row (as many as the rows); texts are
    tokenized without a progress bar (nothing on stderr) unless asked; a missing text column is named."""
    data = pd.DataFrame({"g": ["甲", "乙"], "toks": [["疫情", "社区", "疫情"], ["社区"]],
                         "text": ["疫情防控社区志愿者", "社区志愿者"]})
    from_column = term_frequencies(data, by="g", tokens="toks")
    assert list(zip(from_column["g"], from_column["term"], from_column["count"])) == [
        ("乙", "社区", 1), ("甲", "疫情", 2), ("甲", "社区", 1)]
    with pytest.raises(ValueError, match="tokens has 1 lists for 2 rows"):
        term_frequencies(data, by="g", tokens=[["疫情"]])
    with pytest.raises(KeyError, match="no text column 'body'"):
        tfidf(data, by="g", text_col="body")
    weights = tfidf(data, by="g")
    assert sorted(weights["term"]) == ["志愿者", "志愿者", "疫情防控", "社区", "社区"]
    assert capsys.readouterr().err == ""


def test_a_list_of_texts_is_counted_and_article_columns_are_joined_by_doc_id(corpus, paras):
    """A list of texts is a text column (one str is refused: it would be read as characters). A paragraph whose
    article is not in the corpus stays, in a group of its own (no province); a corpus listing an article twice
    is refused rather than counting its paragraphs twice."""
    from pandas.errors import MergeError

    counts = term_frequencies(["疫情防控社区", "社区志愿者"])
    assert list(zip(counts["term"], counts["count"], counts["docs"])) == [("社区", 2, 2), ("志愿者", 1, 1),
                                                                        ("疫情防控", 1, 1)]
    with pytest.raises(TypeError, match="^pass a DataFrame with a text column, or a list of texts, not one str$"):
        term_frequencies("疫情防控社区")
    missing = r"^\"no column 'province' in the data \(pass corpus= to look it up by doc_id\)\"$"
    with pytest.raises(KeyError, match=missing):
        term_frequencies(paras, by="province")
    with pytest.raises(KeyError, match=missing):  # a corpus without the column
        term_frequencies(paras, by="province", corpus=corpus.drop(columns="province"))
    with pytest.raises(KeyError, match=missing):  # paragraphs without doc_id to look it up by
        term_frequencies(paras.drop(columns="doc_id"), by="province", corpus=corpus)
    stray = pd.DataFrame({"doc_id": ["elsewhere"], "para_no": [1], "text": ["海外侨胞捐赠"]})
    freq = term_frequencies(pd.concat([paras, stray], ignore_index=True), by="province", corpus=corpus)
    groups = freq["province"]
    assert groups.iloc[:-2].tolist() == sorted(groups.iloc[:-2]) and groups.iloc[-2:].isna().all()
    assert list(zip(freq["term"].iloc[-2:], freq["count"].iloc[-2:])) == [("捐赠", 1), ("海外侨胞", 1)]
    assert freq.groupby("province")["count"].sum().to_dict() == TOKENS_PER_PROVINCE_IN_PARAGRAPHS
    with pytest.raises(MergeError):
        term_frequencies(paras, by="province", corpus=pd.concat([corpus, corpus.head(1)]))


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
    top = tfidf(corpus, by="doc_id", min_chars=2, top=3)
    assert [(d[:3], t, c, g) for d, t, c, g in zip(top["doc_id"], top["term"], top["count"], top["groups"])] == [
        ("000", "政协委员", 25, 3), ("000", "疫情防控", 26, 5), ("000", "政协", 18, 3),
        ("001", "疫情", 20, 5), ("001", "东城区委", 9, 1), ("001", "政协委员", 11, 3),
        ("002", "排查", 5, 2), ("002", "四平市委", 4, 1), ("002", "社区", 5, 4),
        ("003", "政协", 20, 3), ("003", "防控", 16, 5), ("003", "平谷区", 9, 2),
        ("004", "疫情防控", 58, 5), ("004", "统战", 25, 1), ("004", "社区", 34, 4)]
    assert top["rank"].tolist() == [1, 2, 3] * 5
    assert top["tfidf"].round(6).tolist() == [0.409899, 0.303313, 0.295127, 0.27993, 0.264359, 0.216388,
                                              0.233929, 0.23196, 0.163353, 0.428003, 0.243622, 0.232024,
                                              0.375061, 0.33927, 0.259949]


def test_tfidf_of_every_term_equals_sklearns_on_the_same_tokens(corpus):
    """The whole table, every term of every article, against scikit-learn's TfidfVectorizer run here on
    the same token lists (smooth idf, L2 rows), and the smoothed idf worked out for one cell."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    tokens = tokenize_corpus(list(corpus["text"]), progress=False)
    out = tfidf(corpus, by="doc_id", top=None)
    vec = TfidfVectorizer(analyzer=lambda ts: ts, lowercase=False)
    matrix = vec.fit_transform(tokens).toarray()
    terms = vec.get_feature_names_out()
    want = {(d, t): w for d, row in zip(corpus["doc_id"], matrix) for t, w in zip(terms, row) if w > 0}
    got = dict(zip(zip(out["doc_id"], out["term"]), out["tfidf"]))
    assert got.keys() == want.keys() and len(got) == sum(len(set(ts)) for ts in tokens)
    assert [got[k] for k in want] == pytest.approx(list(want.values()), rel=1e-12)
    # by hand: 统战 is 004's alone (idf ln(6/2) + 1, count 25), 疫情防控 in all five (idf 1, count 58); one row,
    # one norm, so their ratio is that of count x idf
    sichuan = out[out["doc_id"].str.startswith("004")].set_index("term")
    assert sichuan.loc["统战", "tfidf"] / sichuan.loc["疫情防控", "tfidf"] == pytest.approx(
        25 * (math.log(6 / 2) + 1) / (58 * (math.log(6 / 6) + 1)))
    assert out.groupby("doc_id")["tfidf"].apply(lambda w: float((w ** 2).sum())).tolist() == pytest.approx([1.0] * 5)


def test_tfidf_orders_equal_weights_by_term_and_numbers_rows_from_0():
    """甲 = 乙 甲 x, 乙 = x: 乙 and 甲 have the same weight in 甲's row (one count, one group each), listed by
    term (乙 U+4E59 before 甲 U+7532); x, in both groups, comes last. Rows of the table are numbered 0, 1, 2...;
    two `by` columns are both put in front."""
    data = pd.DataFrame({"g": ["甲", "乙"], "h": [1, 2]})
    out = tfidf(data, by=["g", "h"], tokens=[["乙", "甲", "x"], ["x"]], top=None)
    assert list(out.columns) == ["g", "h", "term", "tfidf", "count", "groups", "rank"]
    assert list(zip(out["g"], out["h"], out["term"], out["rank"])) == [
        ("乙", 2, "x", 1), ("甲", 1, "乙", 1), ("甲", 1, "甲", 2), ("甲", 1, "x", 3)]
    assert out.index.tolist() == [0, 1, 2, 3]
    # idf of 乙, 甲: ln(3/2) + 1; of x: 1; row norm sqrt(2 (ln 1.5 + 1)^2 + 1)
    w = math.log(1.5) + 1
    assert out["tfidf"].tolist() == pytest.approx([1.0, w / math.sqrt(2 * w * w + 1), w / math.sqrt(2 * w * w + 1),
                                                   1 / math.sqrt(2 * w * w + 1)])


def test_tfidf_defaults_to_the_10_top_terms_of_each_article_and_needs_groups(corpus, paras):
    """Without by= the groups are the articles (doc_id), ten terms each; a group column of the articles is
    joined to paragraphs through corpus=; without groups there is nothing to weigh against."""
    out = tfidf(corpus)
    assert out["doc_id"].str[:3].value_counts().sort_index().to_dict() == {k: 10 for k in TOKENS_PER_ARTICLE}
    assert out["rank"].tolist() == list(range(1, 11)) * 5
    by_province = tfidf(paras, by="province", corpus=corpus, top=2)
    assert by_province["province"].tolist() == ["北京市", "北京市", "吉林省", "吉林省", "四川省", "四川省"]
    with pytest.raises(ValueError, match=r"^tfidf needs groups: pass by= \(e.g. 'doc_id'\)$"):
        tfidf(corpus, by=None)


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


def _scipy_g2(table, yates):
    """G2 of a 2x2 table from scipy's chi2_contingency (log-likelihood), with or without Yates' correction."""
    from scipy.stats import chi2_contingency

    return chi2_contingency(np.array(table, dtype=float), correction=yates, lambda_="log-likelihood")[0]


# [[10, 0], [90, 10]] has one expected count below 5 (0.909, the term's cell in the reference); its rows and
# columns swapped put that cell in each of the four places. scipy's Yates G2 0.258467, uncorrected 2.003347.
ONE_SMALL_CELL = [([[10, 0], [90, 10]], 1), ([[0, 10], [10, 90]], -1), ([[90, 10], [10, 0]], -1),
                  ([[10, 90], [0, 10]], 1)]
# [[8, 4], [12, 24]]: expected counts 5, 7, 15, 21; the smallest is 5, not below 5: no correction. Swapped the
# same way, the 5 is in each of the four places. scipy's uncorrected G2 4.097193 (Yates would give 2.833908).
SMALLEST_EXPECTED_5 = [([[8, 4], [12, 24]], 1), ([[4, 8], [24, 12]], -1), ([[12, 24], [8, 4]], -1),
                       ([[24, 12], [4, 8]], 1)]


@pytest.mark.parametrize("table, sign", ONE_SMALL_CELL)
def test_g2_yates_corrects_when_any_one_of_the_four_expected_counts_is_below_5(table, sign):
    (a, b), (c, d) = table
    assert _scipy_g2(table, yates=True) == pytest.approx(0.258467, abs=1e-6)
    assert g2(a, b, c, d, "yates") == pytest.approx(sign * 0.258467, abs=1e-6)
    assert g2(a, b, c, d, "none") == pytest.approx(sign * 2.003347, abs=1e-6)


@pytest.mark.parametrize("table, sign", SMALLEST_EXPECTED_5)
def test_g2_yates_leaves_a_table_whose_smallest_expected_count_is_exactly_5(table, sign):
    (a, b), (c, d) = table
    assert _scipy_g2(table, yates=False) == pytest.approx(4.097193, abs=1e-6)
    assert _scipy_g2(table, yates=True) == pytest.approx(2.833908, abs=1e-6)
    assert g2(a, b, c, d, "yates") == pytest.approx(sign * 4.097193, abs=1e-6)


def test_g2_yates_needs_ad_minus_bc_of_half_n_not_a_third():
    """[[3, 1], [3, 2]]: N = 9, |ad - bc| = |6 - 3| = 3, below N/2 = 4.5 (though not below N/3 = 3): nothing
    moves, although every expected count is below 5; the G2 is scipy's uncorrected 0.228457."""
    assert _scipy_g2([[3, 1], [3, 2]], yates=False) == pytest.approx(0.228457, abs=1e-6)
    assert g2(3, 1, 3, 2, "yates") == pytest.approx(0.228457, abs=1e-6)


def test_g2_williams_divides_by_q_and_leaves_tables_with_a_zero_cell():
    """Williams' q for an r x c table, 1 + (N sum 1/r_i - 1)(N sum 1/c_j - 1) / (6N (r-1)(c-1)), on
    [[10, 2], [90, 198]]: rows 12, 288, columns 100, 200, N = 300: q = 1 + (25 + 1.041667 - 1)(3 + 1.5 - 1)
    / 1800 = 1.048692, G2 13.349280 (scipy) / q = 12.729456. With a zero cell ([[0, 5], [100, 95]]) no q:
    scipy's uncorrected G2, 7.059691, negative (the term is in the reference only). Arrays give each table's."""
    assert _scipy_g2([[10, 2], [90, 198]], yates=False) == pytest.approx(13.349280, abs=1e-6)
    assert g2(10, 2, 90, 198, "williams") == pytest.approx(12.729456, abs=1e-6)
    assert _scipy_g2([[0, 5], [100, 95]], yates=False) == pytest.approx(7.059691, abs=1e-6)
    assert g2(0, 5, 100, 95, "williams") == pytest.approx(-7.059691, abs=1e-6)
    assert g2(5, 0, 95, 100, "williams") == pytest.approx(7.059691, abs=1e-6)
    both = g2(np.array([10, 0]), np.array([2, 5]), np.array([90, 100]), np.array([198, 95]), "williams")
    assert both.tolist() == pytest.approx([12.729456, -7.059691], abs=1e-6)
    # the zero in each of the four cells (swapping rows and columns): scipy's 7.059691 each time, no q
    zero_in_c, zero_in_d = g2(100, 95, 0, 5, "williams"), g2(95, 100, 5, 0, "williams")
    assert (zero_in_c, zero_in_d) == (pytest.approx(7.059691, abs=1e-6), pytest.approx(-7.059691, abs=1e-6))
    with pytest.raises(ValueError, match="correction must be 'none', 'yates' or 'williams', not 'fisher'"):
        g2(1, 1, 1, 1, "fisher")


def test_g2_yates_on_the_smallest_table_moves_the_cells_to_independence():
    """[[1, 0], [0, 1]]: N = 2, ad - bc = 1 = N/2, every expected count 0.5: the cells move 0.5 each to
    [[0.5, 0.5], [0.5, 0.5]], G2 0 (scipy's Yates G2 0.0); uncorrected 4 ln 2 = 2.772589."""
    assert _scipy_g2([[1, 0], [0, 1]], yates=True) == pytest.approx(0.0, abs=1e-12)
    assert g2(1, 0, 0, 1, "yates") == pytest.approx(0.0, abs=1e-12)
    assert g2(1, 0, 0, 1, "none") == pytest.approx(4 * math.log(2), abs=1e-12)


def test_g2_of_counts_in_the_millions_as_python_ints_does_not_overflow():
    """[[2^20, 2^12], [2^16, 2^16]]: the product of the four cells, 2^64, wraps to 0 in 64-bit integers, which
    would pass for a zero cell and skip Williams' q. scipy's G2 294311.413136; q = 1 + (N/r1 + N/r2 - 1)
    (N/c1 + N/c2 - 1) / 6N = 1.000022 (rows 1052672, 131072, columns 1114112, 69632): 294304.939836."""
    a, b, c, d = 2**20, 2**12, 2**16, 2**16
    n = a + b + c + d
    q = 1 + (n / (a + b) + n / (c + d) - 1) * (n / (a + c) + n / (b + d) - 1) / (6 * n)
    assert _scipy_g2([[a, b], [c, d]], yates=False) == pytest.approx(294311.413136, rel=1e-9)
    assert g2(a, b, c, d, "williams") == pytest.approx(294311.413136 / q, rel=1e-9)
    assert g2(a, b, c, d, "williams") == pytest.approx(294304.939836, rel=1e-9)


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


def test_keyness_without_by_needs_a_dfm():
    """Without by= the data must be a table of counts (groups x terms); texts, or a list, are refused."""
    texts = pd.DataFrame({"doc_id": ["a", "b"], "text": ["疫情防控", "社区志愿者"]})
    with pytest.raises(TypeError, match=r"^without by=, data must be a dfm \(groups x terms counts\)$"):
        keyness(texts, "a")
    with pytest.raises(TypeError, match="without by=, data must be a dfm"):
        keyness([[1, 2], [3, 4]], 0)


# Beijing's three articles against the rest: content tokens of each side (TOKENS_PER_ARTICLE: 769 + 713 + 627
# and 319 + 1621), and (term, n_target, n_reference) counted in the texts as in the frequency test above.
BEIJING_TOKENS, REST_TOKENS = 2109, 1940
KEYNESS_CELLS = [("政协", 42, 0), ("平谷区", 11, 0), ("委员", 28, 6), ("疫情防控", 50, 61), ("十户长", 0, 2),
                 ("核酸检测", 0, 6), ("统战", 0, 25)]


def _quanteda_g2(a, b, total_a, total_b):
    """quanteda's "lr" G2 with its default Yates correction, recomputed with scipy: the 2x2 table
    [[a, b], [total_a - a, total_b - b]]; Yates (each cell 0.5 towards independence) only when some
    expected count is below 5 (quanteda.textstats' yates_correction); G2 from scipy's chi2_contingency
    with lambda_="log-likelihood"; the sign says which side the term leans to."""
    from scipy.stats import chi2_contingency
    from scipy.stats.contingency import expected_freq

    table = np.array([[a, b], [total_a - a, total_b - b]], dtype=float)
    small = bool((expected_freq(table) < 5).any())
    stat = chi2_contingency(table, correction=small, lambda_="log-likelihood")[0]
    return stat if a / total_a > b / total_b else -stat


def test_keyness_beijing_vs_rest_equals_quantedas_g2_recomputed_with_scipy(corpus):
    table = keyness(corpus, "北京市", by="province").set_index("term")
    assert len(table) == 1646
    assert table["n_target"].sum() == BEIJING_TOKENS and table["n_reference"].sum() == REST_TOKENS
    for term, a, b in KEYNESS_CELLS:
        row = table.loc[term]
        assert (row["n_target"], row["n_reference"]) == (a, b), term
        assert row["G2"] == pytest.approx(_quanteda_g2(a, b, BEIJING_TOKENS, REST_TOKENS), rel=1e-9), term
        assert row["p"] == pytest.approx(chi2.sf(abs(row["G2"]), 1), rel=1e-9), term
        assert row["log_ratio"] == pytest.approx(
            math.log2((max(a, 0.5) / BEIJING_TOKENS) / (max(b, 0.5) / REST_TOKENS)), rel=1e-9), term
        assert row["per_1k_target"] == pytest.approx(a / BEIJING_TOKENS * 1000)
        assert row["per_1k_reference"] == pytest.approx(b / REST_TOKENS * 1000)
    assert table["G2"].is_monotonic_decreasing
    assert list(table.index[:3]) == ["政协", "政协委员", "阻击战"] and list(table.index[-2:]) == ["排查", "统战"]
    with pytest.raises(KeyError):
        keyness(corpus, "上海市", by="province")
    with pytest.raises(ValueError):
        keyness(corpus.assign(all="x"), "x", by="all")


def test_keyness_default_applies_yates_where_an_expected_count_is_below_5(corpus):
    """十户长: 0 of 2,109 Beijing tokens, 2 of 1,940 others. Expected count in Beijing 2 x 2109 / 4049 =
    1.04 < 5 and |ad - bc| = 2 x 2109 = 4218 >= N/2, so quanteda moves each cell 0.5: [[0.5, 1.5],
    [2108.5, 1938.5]]. Worked by hand: 2 x (0.5 ln(0.5/1.04174) + 1.5 ln(1.5/0.95826)
    + 2108.5 ln(2108.5/2107.95826) + 1938.5 ln(1938.5/1939.04174)) = 0.61055; without the
    correction 2.94420. 平谷区 (11, 0) has every expected count above 5: no correction."""
    table = keyness(corpus, "北京市", by="province").set_index("term")
    assert table.loc["十户长", "G2"] == pytest.approx(-0.610552, abs=1e-6)
    assert keyness(corpus, "北京市", by="province", correction="none").set_index("term").loc[
        "十户长", "G2"] == pytest.approx(-2.944202, abs=1e-6)
    assert table.loc["核酸检测", "G2"] == pytest.approx(-5.310656, abs=1e-6)  # 8.839063 uncorrected
    assert table.loc["平谷区", "G2"] == pytest.approx(14.377195, abs=1e-6)  # the same either way


def test_keyness_of_two_target_groups_pools_their_counts(corpus):
    """Beijing and Jilin (2,109 + 319 = 2,428 content tokens) against Sichuan (1,621): 社区 19 + 5 and 34,
    排查 0 + 5 and 10, 统战 0 and 25 (the counts of the frequency tests above); G2 as quanteda's, recomputed with
    scipy; q is Benjamini-Hochberg's (scipy's false_discovery_control) over every term's p. The same from the
    provinces' dfm."""
    from scipy.stats import false_discovery_control

    table = keyness(corpus, ["北京市", "吉林省"], by="province")
    assert list(table.columns) == ["term", "n_target", "n_reference", "G2", "p", "q", "log_ratio", "per_1k_target",
                                   "per_1k_reference"]
    assert table.index.tolist() == list(range(len(table)))
    assert table["n_target"].dtype.kind == "i" and table["n_reference"].dtype.kind == "i"
    rows = table.set_index("term")
    for term, a, b in (("社区", 24, 34), ("排查", 5, 10), ("统战", 0, 25)):
        assert (rows.loc[term, "n_target"], rows.loc[term, "n_reference"]) == (a, b), term
        assert rows.loc[term, "G2"] == pytest.approx(_quanteda_g2(a, b, 2428, 1621), rel=1e-9), term
    assert table["q"].tolist() == pytest.approx(false_discovery_control(table["p"].to_numpy()).tolist(), rel=1e-9)
    matrix = dfm(corpus, by="province")
    from_dfm = keyness(matrix, ("北京市", "吉林省"))
    assert from_dfm["term"].tolist() == table["term"].tolist()
    assert from_dfm["G2"].tolist() == pytest.approx(table["G2"].tolist(), rel=1e-12)
    with pytest.raises(KeyError, match="not among the groups"):
        keyness(matrix, ["北京市", "上海市"])
    with pytest.raises(ValueError, match="^the target is every group: there is no reference to compare with$"):
        keyness(matrix, ["北京市", "吉林省", "四川省"])


def test_keyness_orders_terms_of_equal_g2_by_term():
    """乙 and 甲 have the same counts (5 in the target, 1 in the reference), so the same G2: 乙 (U+4E59) comes
    before 甲 (U+7532); 丙 (1 and 5) is last."""
    matrix = pd.DataFrame({"甲": [5, 1], "乙": [5, 1], "丙": [1, 5]}, index=["t", "r"])
    table = keyness(matrix, "t")
    assert table["term"].tolist() == ["乙", "甲", "丙"] and table["G2"].iloc[0] == table["G2"].iloc[1] > 0


# ---------------------------------------------------------------- KWIC


def test_kwic_on_the_articles(paras):
    """Read off 004's 内江 paragraph: 深入基层,积极宣传动员。充分发动“十户长”力量,引导“十户长”带头执行
    疫情防控工作要求..."""
    hits = kwic(paras, "十户长")  # the default window: 5 tokens each side
    assert list(hits.columns) == ["doc_id", "para_no", "section", "from", "to", "pre", "keyword", "post", "pattern"]
    assert hits["doc_id"].str[:3].tolist() == ["004", "004"] and hits["para_no"].tolist() == [20, 20]
    assert hits["section"].tolist() == ["内江:助力疫情防控,凝聚统战力量"] * 2
    # 深入基层 / , / 积极 / 宣传 / 动员 / 。 / 充分 / 发动 / “ / 十户长 / ” / 力量 / , / 引导 / “ / 十户长 / ”
    # / 带头 ...
    assert hits["from"].tolist() == [9, 15] and hits["to"].tolist() == [9, 15]
    assert hits["pre"].tolist() == ["动员。充分发动“", "”力量,引导“"]
    assert hits["post"].tolist() == ["”力量,引导“", "”带头执行疫情防控工作"]
    assert (hits["keyword"] == "十户长").all() and (hits["pattern"] == "十户长").all()
    narrow = kwic(paras, "十户长", window=3)
    assert narrow["pre"].tolist() == ["充分发动“", ",引导“"] and narrow["post"].tolist() == ["”力量,", "”带头执行"]
    # whole tokens only: 疫情 inside 疫情防控 is not a hit (164 strings, 58 tokens on their own)
    yiqing = kwic(paras, "疫情", window=2)
    assert len(yiqing) == 58 and sum(t.count("疫情") for t in paras["text"]) == 164
    # a phrase of several tokens matches as a sequence: its seven occurrences, in data order
    phrase = kwic(paras, "打赢疫情防控阻击战", window=2)
    assert [(d[:3], n) for d, n in zip(phrase["doc_id"], phrase["para_no"])] == [
        ("000", 3), ("000", 12), ("001", 2), ("001", 6), ("003", 7), ("003", 10), ("003", 12)]
    assert phrase["pre"].tolist() == ["为全力", ",力争", "为全区", "为全面", "为坚决", "群众坚决", "尽责坚决"]
    assert phrase["post"].tolist() == ["贡献力量。", "。", "贡献力量,", "提供了", "贡献政协委员", "的信心", "》的"]
    assert kwic(paras, "不存在的词语").empty


def test_kwic_takes_a_list_of_terms_skips_rows_without_text_and_names_an_empty_pattern(paras):
    """Two patterns: 十户长's two hits of the 内江 paragraph (para 20 of 004), then 双报到's; a row whose text is
    missing is skipped; a pattern of spaces only has no token to look for."""
    rows = pd.concat([paras, pd.DataFrame({"doc_id": ["x"], "para_no": [0], "section": [None], "text": [None]})])
    hits = kwic(rows, ["十户长", "双报到"], window=1)
    assert hits["pattern"].tolist()[:2] == ["十户长", "十户长"] and set(hits["pattern"][2:]) == {"双报到"}
    assert hits["pre"].tolist()[:2] == ["“", "“"] and hits["post"].tolist()[:2] == ["”", "”"]
    assert len(hits) == 2 + sum(t.count("双报到") for t in paras["text"])
    with pytest.raises(ValueError, match="empty KWIC pattern"):
        kwic(paras, " \u3000 ")
    none = kwic(paras, "不存在的词语")
    assert none.empty and list(none.columns) == ["doc_id", "para_no", "section", "from", "to", "pre", "keyword",
                                                 "post", "pattern"]
    # a hit one token into its row: the context before it is that token (社区 / 十户长 / 带头)
    start = kwic(pd.DataFrame({"text": ["社区十户长带头"]}), "十户长")
    assert start[["from", "pre", "post"]].values.tolist() == [[1, "社区", "带头"]]


def test_kwic_limit_keeps_the_first_matches_of_each_pattern(paras):
    """limit=3: the phrase's first three occurrences (000 ¶3, 000 ¶12, 001 ¶2, read off above), and per pattern:
    十户长's two hits (fewer than the limit) then 打赢疫情防控阻击战's first two; limit=0 finds nothing."""
    phrase = kwic(paras, "打赢疫情防控阻击战", window=2, limit=3)
    assert [(d[:3], n) for d, n in zip(phrase["doc_id"], phrase["para_no"])] == [("000", 3), ("000", 12), ("001", 2)]
    assert phrase["pre"].tolist() == ["为全力", ",力争", "为全区"]
    both = kwic(paras, ["十户长", "打赢疫情防控阻击战"], window=2, limit=2)
    assert both["pattern"].tolist() == ["十户长", "十户长", "打赢疫情防控阻击战", "打赢疫情防控阻击战"]
    assert both["from"].tolist()[:2] == [9, 15] and both["pre"].tolist()[2:] == ["为全力", ",力争"]
    # two hits in one paragraph and a limit of one: the first only
    assert kwic(paras, "十户长", limit=1)["from"].tolist() == [9]
    assert kwic(paras, "十户长", limit=0).empty


def test_kwic_segments_pattern_and_text_with_the_given_user_dictionary(paras, tmp_path):
    """Without 十户长 in the dictionary (one of 政协委员 only), jieba cuts it into 十户 / 长, in the pattern as
    in the text: the same two hits of 004's paragraph 20, each two tokens long (from 9 to 10, 16 to 17)."""
    words = tmp_path / "words.txt"
    words.write_text("政协委员 5\n", encoding="utf-8")
    hits = kwic(paras, "十户长", window=2, user_dict=words)
    assert hits["from"].tolist() == [9, 16] and hits["to"].tolist() == [10, 17]
    assert hits["pre"].tolist() == ["发动“", "引导“"] and hits["keyword"].tolist() == ["十户长"] * 2


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
    """社区 and 志愿者 as strings share 10 paragraphs; in one of them 社区 is only inside the token 社区服务: 9.
    Rows with each: 社区 29, 志愿者 14, 政协 21 (counted the same way); Jaccard = both / either."""
    pairs = cooccurrence(paras, terms=["社区", "志愿者", "政协"])
    both_strings = paras["text"].str.contains("社区") & paras["text"].str.contains("志愿者")
    assert both_strings.sum() == 10
    assert list(zip(pairs["term_a"], pairs["term_b"], pairs["count"], pairs["n_a"], pairs["n_b"])) == [
        ("志愿者", "社区", 9, 14, 29), ("政协", "社区", 4, 21, 29), ("志愿者", "政协", 1, 14, 21)]
    assert pairs["jaccard"].tolist() == pytest.approx([9 / (14 + 29 - 9), 4 / (21 + 29 - 4), 1 / (14 + 21 - 1)])


def test_cooccurrence_picks_the_terms_in_most_rows_ties_by_term_and_sorts_pairs_by_count_then_terms():
    """Rows 甲乙 / 甲丙 / 甲: 甲 is in 3 rows, 乙 and 丙 in 1 each; top=2 takes 甲 and, of the tie, 丙 (U+4E19
    before 乙 U+4E59, although 乙 comes first): the one pair (丙, 甲). One row 甲乙丙: three pairs of count 1,
    ordered by term_a then term_b."""
    data = pd.DataFrame({"para": [1, 2, 3]})
    pairs = cooccurrence(data, tokens=[["甲", "乙"], ["甲", "丙"], ["甲"]], top=2)
    assert list(zip(pairs["term_a"], pairs["term_b"], pairs["count"], pairs["n_a"], pairs["n_b"])) == [
        ("丙", "甲", 1, 1, 3)]
    one = cooccurrence(pd.DataFrame({"para": [1]}), tokens=[["甲", "乙", "丙"]])
    assert list(one.columns) == ["term_a", "term_b", "count", "n_a", "n_b", "jaccard"]
    assert list(zip(one["term_a"], one["term_b"])) == [("丙", "乙"), ("丙", "甲"), ("乙", "甲")]
    assert one.index.tolist() == [0, 1, 2]


def test_cooccurrence_by_default_pairs_the_30_terms_in_most_paragraphs(paras):
    """The default top=30: the terms paired are the 30 in most paragraphs (ties by term), counted here with
    scikit-learn's binary CountVectorizer on the same tokens."""
    from sklearn.feature_extraction.text import CountVectorizer

    tokens = tokenize_corpus(list(paras["text"]), progress=False)
    vec = CountVectorizer(analyzer=lambda ts: ts, lowercase=False, binary=True)
    rows = dict(zip(vec.fit(tokens).get_feature_names_out(), np.asarray(vec.transform(tokens).sum(axis=0)).ravel()))
    top30 = sorted(rows, key=lambda t: (-rows[t], t))[:30]
    pairs = cooccurrence(paras)
    assert set(pairs["term_a"]) | set(pairs["term_b"]) == set(top30)
    assert all(rows[a] == n_a and rows[b] == n_b for a, b, n_a, n_b in zip(*(pairs[c] for c in (
        "term_a", "term_b", "n_a", "n_b"))))


def _not_computed(*args, **kwargs):
    raise AssertionError("computed again instead of read from the cache")


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
    assert len(list((tmp_path / "cache" / "term_frequencies").iterdir())) == 1
    monkeypatch.setattr(terms_module, "_term_frequencies", _not_computed)  # the second must come from the cache
    again = term_frequencies(data, by="year")
    assert first["year"].dtype == data["year"].dtype and first["year"].isna().any()
    pd.testing.assert_frame_equal(first, again)


def test_each_argument_a_term_table_depends_on_gives_it_a_cache_entry_of_its_own(tmp_path, monkeypatch):
    """From 1,000 rows a term table is cached, under a key of everything it depends on: a call that differs in
    the groups, top, an option, the stopwords, the user dictionary, one text or one group value gets the table
    computed for it (equal to the same call with cache=False), in a file of its own, never another call's table;
    tokens=, corpus= and cache=False are not cached, nor 999 rows."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(cache))
    sentences = ["政协委员积极建言献策助力复工复产", "统战部组织党外人士开展疫情防控志愿服务",
                 "工商联动员民营企业捐款捐物", "侨联联系海外侨胞捐赠防疫物资"]
    data = pd.DataFrame({"doc_id": [f"d{i}" for i in range(1000)], "text": [sentences[i % 4] for i in range(1000)],
                         "year": [2020 + i % 3 for i in range(1000)]})
    words = tmp_path / "words.txt"
    words.write_text("复工复产 5\n", encoding="utf-8")
    edited = data.assign(text=data["text"].where(data.index != 7, "侨联联系海外侨胞捐赠口罩"))
    shifted = data.assign(year=data["year"].where(data.index != 7, 2030))
    renamed = data.assign(period=data["year"])
    calls = [(data, dict(by="year")), (data, dict(by=None)), (data, dict(by="year", top=3)),
             (data, dict(by="year", min_chars=3)), (data, dict(by="year", stopwords=False)),
             (data, dict(by="year", user_dict=words)), (edited, dict(by="year")), (shifted, dict(by="year")),
             (renamed, dict(by="period"))]
    entries = lambda: len(list((cache / "term_frequencies").glob("*.arrow")))  # noqa: E731
    for k, (frame, kwargs) in enumerate(calls, start=1):
        table = term_frequencies(frame, **kwargs)
        assert entries() == k, kwargs
        pd.testing.assert_frame_equal(table, term_frequencies(frame, cache=False, **kwargs))
    tables = [term_frequencies(frame, **kwargs) for frame, kwargs in calls]  # now each read from its file
    assert entries() == len(calls)
    assert "year" not in tables[1] and tables[2]["rank"].max() == 3 and tables[3]["term"].str.len().min() == 3
    assert "防疫物资" in set(tables[0]["term"]) and "防疫物资" not in set(tables[5]["term"])  # not a word of `words`
    assert "口罩" in set(tables[6]["term"]) and 2030 in set(tables[7]["year"])
    assert list(tables[8].columns[:2]) == ["period", "term"]  # the same groups as by year, under their own name
    tokens = tokenize_corpus(list(data["text"]), progress=False)
    term_frequencies(data, by="year", tokens=tokens)
    term_frequencies(data[["doc_id", "text"]], by="year", corpus=data[["doc_id", "year"]])
    term_frequencies(data.head(999), by="year")
    term_frequencies(list(data["text"]))  # a list of texts, not a table
    assert entries() == len(calls)
    # a progress bar or the number of workers changes nothing in the table: the same entry
    pd.testing.assert_frame_equal(term_frequencies(data, by="year", progress=False, workers=1), tables[0])
    assert entries() == len(calls)
    # the text column under another name: its texts are in the key
    body = term_frequencies(edited.rename(columns={"text": "body"}), by="year", text_col="body")
    assert entries() == len(calls) + 1 and "口罩" in set(body["term"])


def test_term_frequencies_with_tokens_none_or_client_none_counts_the_texts(corpus):
    """tokens=None counts the texts; client=None (a notebook without a cluster) counts here, as without it."""
    from pandas.testing import assert_frame_equal

    assert_frame_equal(term_frequencies(corpus, by="doc_id", tokens=None), term_frequencies(corpus, by="doc_id"))
    assert_frame_equal(term_frequencies(corpus, by="doc_id", client=None), term_frequencies(corpus, by="doc_id"))
    # joined= (a tokenize_corpus option: how the token cache keeps them) changes nothing in the counts
    assert_frame_equal(term_frequencies(corpus, by="doc_id", joined=True), term_frequencies(corpus, by="doc_id"))
