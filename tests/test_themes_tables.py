"""The tables of a coding with a study's own codebook (a theme the default codebook does not have), on four made
paragraphs whose codes are read off the text: counts, shares, evidence, the evidence table and the summary all
follow the codebook they are given, name its themes as it does, and order the groups."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import (
    code_paragraphs,
    evidence_table,
    paragraph_counts,
    theme_counts,
    theme_evidence,
    theme_shares,
    theme_summary,
)
from analysis.themes import _labels

VACCINATION = '''[[theme]]
id = "vaccination"
zh = "疫苗接种"
en = "Vaccination"
definition = "Vaccination drives."
keywords = ["疫苗"]

[[theme]]
id = "donation"
zh = "捐款捐物"
en = "Donations"
definition = "Giving money."
keywords = ["捐款"]
'''

# article b comes first: the groups of every table are sorted all the same
PARAS = pd.DataFrame({
    "doc_id": ["b", "b", "a", "a"], "para_no": [1, 2, 1, 2], "section": ["s1", "s1", "s2", "s2"],
    "text": ["动员群众接种疫苗。区政协委员捐款5万元。", "会议结束。", "委员带头接种疫苗。", "民建会员捐款。"]})
CORPUS = pd.DataFrame({"doc_id": ["a", "b"], "province": ["北京市", "四川省"],
                       "date": pd.to_datetime(["2021-05-01", "2022-03-01"])})


@pytest.fixture
def codebook(tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(VACCINATION, encoding="utf-8")
    return path


@pytest.fixture
def coded(codebook):
    return code_paragraphs(PARAS, codebook)


def test_a_study_codebook_codes_its_own_theme(coded):
    assert coded["themes"].tolist() == [("vaccination", "donation"), (), ("vaccination",), ("donation",)]


def test_counts_and_shares_have_the_study_codebooks_themes_and_sorted_groups(coded, codebook):
    """b: paragraph 1 carries both themes, paragraph 2 none; a: one paragraph each."""
    n = paragraph_counts(coded)
    assert n.index.tolist() == ["a", "b"] and n.tolist() == [2, 2]
    counts = theme_counts(coded, codebook=codebook)
    assert counts.index.tolist() == ["vaccination", "donation"] and counts.columns.tolist() == ["a", "b"]
    assert counts.to_numpy().tolist() == [[1, 1], [1, 1]]
    assert all(dtype == np.int64 for dtype in counts.dtypes)  # whole numbers of paragraphs
    shares = theme_shares(coded, codebook=codebook)
    assert shares.index.tolist() == ["vaccination", "donation"] and shares.columns.tolist() == ["a", "b"]
    assert shares.to_numpy().tolist() == [[0.5, 0.5], [0.5, 0.5]]
    by_province = theme_counts(coded, "province", CORPUS, codebook)
    assert by_province.columns.tolist() == ["北京市", "四川省"]  # sorted: 北 (U+5317) before 四 (U+56DB)
    assert by_province.loc["vaccination"].tolist() == [1, 1]


def test_evidence_finds_the_theme_by_the_study_codebooks_english_name(coded, codebook):
    ev = theme_evidence(coded, "Vaccination", codebook=codebook)
    assert ev[["doc_id", "para_no", "matched", "sentence"]].values.tolist() == [
        ["b", 1, "疫苗", "动员群众接种疫苗。"], ["a", 1, "疫苗", "委员带头接种疫苗。"]]
    with pytest.raises(KeyError, match="unknown theme 'Vaccination'"):
        theme_evidence(coded, "Vaccination")  # the default codebook has no such theme


def test_a_code_set_by_hand_is_evidence_without_a_keyword(coded, codebook):
    """A coder's correction: 会议结束。 marked donation by hand. It is among the donation paragraphs, with nothing
    matched and no triggering sentence (empty strings, not missing values)."""
    corrected = coded.copy()
    corrected.loc[1, "donation"] = True
    ev = theme_evidence(corrected, "donation", codebook=codebook)
    assert ev[["doc_id", "para_no", "matched", "sentence"]].values.tolist() == [
        ["b", 1, "捐款", "区政协委员捐款5万元。"], ["b", 2, "", ""], ["a", 2, "捐款", "民建会员捐款。"]]


def test_the_evidence_table_follows_the_codebook_and_groups_by_an_article_column(coded, codebook):
    table = evidence_table(coded, by="province", corpus=CORPUS, codebook=codebook)
    assert table.index.tolist() == [0, 1, 2, 3]
    assert table[["theme", "label", "group", "doc_id", "para_no", "matched"]].values.tolist() == [
        ["vaccination", "疫苗接种 Vaccination", "四川省", "b", 1, "疫苗"],
        ["vaccination", "疫苗接种 Vaccination", "北京市", "a", 1, "疫苗"],
        ["donation", "捐款捐物 Donations", "四川省", "b", 1, "捐款"],
        ["donation", "捐款捐物 Donations", "北京市", "a", 2, "捐款"]]


def test_the_summary_and_labels_name_the_themes_as_the_study_codebook_does(coded, codebook):
    summary = theme_summary(coded, codebook)
    assert summary[["theme", "label", "paragraphs", "share", "top_keywords"]].values.tolist() == [
        ["vaccination", "疫苗接种 Vaccination", 2, 0.5, "疫苗 2"], ["donation", "捐款捐物 Donations", 2, 0.5, "捐款 2"]]
    assert _labels(coded, codebook) == {"vaccination": "疫苗接种 Vaccination", "donation": "捐款捐物 Donations"}


def test_years_are_whole_numbers_and_an_undated_article_is_in_no_year(coded, codebook):
    """Article b without a date: its two paragraphs are in no year's count (and raise nothing); a's two are 2021,
    printed as 2021 (not 2021.0)."""
    undated = CORPUS.assign(date=pd.to_datetime(["2021-05-01", None]))
    n = paragraph_counts(coded, "year", undated)
    assert n.to_dict() == {2021: 2} and [str(y) for y in n.index] == ["2021"]
    counts = theme_counts(coded, "year", undated, codebook)
    assert counts.to_dict("index") == {"vaccination": {2021: 1}, "donation": {2021: 1}}
    assert [str(y) for y in theme_counts(coded, "year", CORPUS, codebook).columns] == ["2021", "2022"]


def test_evidence_without_by_has_no_group_column_even_when_the_paragraphs_have_one(coded, codebook):
    """The paragraphs' own column named group (a researcher's) is no grouping: without `by` the evidence has the six
    columns; grouped by it, it is the `group` column."""
    own = coded.assign(group=["x", "y", "x", "y"])
    ev = theme_evidence(own, "donation", codebook=codebook)
    assert list(ev.columns) == ["doc_id", "para_no", "section", "matched", "sentence", "text"]
    grouped = theme_evidence(own, "donation", by="group", group="y", codebook=codebook)
    assert grouped[["doc_id", "para_no", "group"]].values.tolist() == [["a", 2, "y"]]


def test_the_evidence_of_one_year_leaves_out_an_undated_article(coded, codebook):
    """Article b without a date: the 2021 cell of donation is article a's second paragraph (捐款), as theme_counts
    counts it, and the undated paragraphs raise nothing."""
    undated = CORPUS.assign(date=pd.to_datetime(["2021-05-01", None]))
    ev = theme_evidence(coded, "donation", by="year", group=2021, corpus=undated, codebook=codebook)
    assert ev[["doc_id", "para_no", "matched", "group"]].values.tolist() == [["a", 2, "捐款", 2021]]
