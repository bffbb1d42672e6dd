"""Notebooks 01 and 03 as functions (analysis.notebook.overview, .themes, .checks): the choices they make on the
seed study and on someone else's corpus, the tables they save, and the sections they leave out and why."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis import outputs, paragraphs
from analysis.notebook import Context, checks, overview, themes
from analysis.paths import PROJECT_ROOT, SHARED_CORPORA
from analysis.study import STUDY_ENV, Study, read_study

SHARED = SHARED_CORPORA / "xwlb_2020_2022.jsonl.xz"


@pytest.fixture
def tables(tmp_path, monkeypatch):
    for key in STUDY_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(outputs._current, "tables", tmp_path / "tables")
    monkeypatch.setitem(outputs._current, "figures", tmp_path / "figures")
    yield tmp_path / "tables"
    for key in STUDY_ENV:
        os.environ.pop(key, None)


@pytest.fixture(scope="module")
def seed_ctx():
    study = read_study(PROJECT_ROOT / "data" / "study.toml")
    return Context(study, corpus=study.corpus())


def test_seed_overview_counts_articles_and_fields(tables, seed_ctx):
    shown = overview.articles(seed_ctx)
    assert shown.text.startswith("**5 articles**, 2020-02-17 to 2022-09-09; 0 without a date.")
    # provinces of data/metadata.csv: 北京市 x3, 吉林省, 四川省
    assert shown.table.loc["province"].tolist() == [5, 3]


def test_seed_themes_by_article_table_matches_the_coding(tables, seed_ctx):
    shown = themes.by_group(seed_ctx)
    table = outputs.read_table("themes_by_group")
    coded = seed_ctx.coded
    # k and n recomputed with a plain groupby of the coded paragraphs
    k = coded.groupby("doc_id")["community"].sum()
    n = coded.groupby("doc_id").size()
    label = dict(zip(seed_ctx.corpus["doc_id"], seed_ctx.corpus["label"]))
    rows = table[table["theme"] == "community"].set_index("group")
    for doc in n.index:
        assert rows.at[label[doc], "k"] == k[doc] and rows.at[label[doc], "n"] == n[doc]
    # one article per column: there is nothing to resample, so no interval and the sentence says so
    assert rows["n_articles"].eq(1).all() and rows["lo"].isna().all()
    assert "one article: no interval" in shown.text


def test_seed_period_contrast_is_last_minus_first_and_says_no_difference(tables, seed_ctx):
    shown = themes.by_period(seed_ctx)
    diff = outputs.read_table("theme_period_difference").set_index("theme")
    # community's share per year recomputed with a plain groupby of the coded paragraphs
    year = seed_ctx.coded["doc_id"].map(dict(zip(seed_ctx.corpus["doc_id"], seed_ctx.corpus["year"])))
    share = seed_ctx.coded.groupby(year)["community"].mean()
    assert diff.at["community", "share_a"] == pytest.approx(share[2020], abs=1e-5)
    assert diff.at["community", "share_b"] == pytest.approx(share[2022], abs=1e-5)
    assert diff.at["community", "diff"] == pytest.approx(share[2022] - share[2020], abs=1e-5)
    assert int(diff.at["community", "n_paragraphs_a"]) == 42 and int(diff.at["community", "n_paragraphs_b"]) == 39
    assert (diff["a"].astype(str) == "2020").all() and (diff["b"].astype(str) == "2022").all()
    # 2022 is a single article: the change has no interval, and the notebook says so rather than "no change"
    assert diff["lo"].isna().all() and diff["hi"].isna().all()
    assert shown.text == ("From 2020 to 2022, no change is named: 2022 has a single article, so there is no interval "
                          "of the change (one article gives no spread between articles to resample).")
    # one article of 2020 (002) beside 2022's one: both periods are single
    two = seed_ctx.corpus[seed_ctx.corpus["doc_id"].str[:3].isin(["002", "004"])]
    assert sorted(two["year"]) == [2020, 2022]
    assert themes.by_period(Context(seed_ctx.study, corpus=two)).text == (
        "From 2020 to 2022, no change is named: 2020 and 2022 have one article each, so there is no interval of the "
        "change (one article gives no spread between articles to resample).")


def test_a_thin_comparison_is_left_out_with_its_reason(tables, seed_ctx):
    two = seed_ctx.corpus[seed_ctx.corpus["doc_id"].isin(["002_2009a04c406b736c", "003_e88b616f19a6a93b"])]
    ctx = Context(seed_ctx.study, corpus=two)
    # 002 has 6 paragraphs and 003 13: both have five, so articles are compared
    assert "mostly" in themes.by_group(ctx).text
    assert (tables / "themes_by_group.csv").exists()
    short = two.assign(text=two["text"].str.split("\n").str[:3].str.join("\n"))
    ctx = Context(seed_ctx.study, corpus=short)
    assert themes.by_group(ctx).text == ("No themes by article: only 0 groups with at least 5 paragraphs (need 2): "
                                        "left out.")
    assert not (tables / "themes_by_group.csv").exists()  # the earlier table is not left for the report


def test_without_labels_a_blind_sheet_is_written(tables, seed_ctx, tmp_path):
    study = Study(title="t", question="q")
    ctx = Context(study, corpus=seed_ctx.corpus)
    shown = checks.trust(ctx)
    sheet = tables.parent / "coding" / "coding_sheet.csv"
    assert sheet.exists() and "The study has no human labels yet" in shown.text
    columns = pd.read_csv(sheet, nrows=0).columns
    assert "community" in columns and "themes" not in columns  # one empty column per theme, no machine codes


def test_with_the_seed_labels_agreement_is_measured(tables, seed_ctx):
    shown = checks.trust(seed_ctx)
    table = outputs.read_table("codebook_agreement").set_index("theme")
    assert table.at["pooled", "n"] == 81  # all 81 seed paragraphs are labelled (tests/fixtures)
    assert table.at["pooled", "kappa_lo"] <= table.at["pooled", "kappa"] <= table.at["pooled", "kappa_hi"]
    assert shown.text.startswith("Against the human coding of 81 paragraphs")


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/corpora is absent")
def test_someone_elses_corpus_groups_by_inferred_province_with_intervals(tables, tmp_path):
    df = pd.read_json(SHARED, lines=True, dtype={"id": str, "date": str}).sample(300, random_state=3)
    path = tmp_path / "items.jsonl"
    df.to_json(path, orient="records", lines=True, force_ascii=False)
    study = read_study(PROJECT_ROOT / "data" / "study.toml")
    from dataclasses import replace

    study = replace(study, sources=(str(path),), is_default=True)
    ctx = Context(study)
    assert ctx.choices.groups.value == "province"  # CCTV gives no province; the loader infers it from the text
    themes.by_group(ctx)
    table = outputs.read_table("themes_by_group")
    several = table[table["n_articles"] >= 2]
    assert len(several) and (several["lo"] <= several["share"] + 1e-9).all() and \
        (several["share"] <= several["hi"] + 1e-9).all()
    assert set(table["group"]) <= set(ctx.choices.shown) | {"other"}
    paras = paragraphs(ctx.corpus)
    assert table.groupby("group")["n"].first().sum() <= len(paras)
