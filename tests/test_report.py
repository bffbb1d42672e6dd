"""The report's sentences: written from the notebooks' tables, naming a change only where its interval
excludes zero, and carrying the study's title and question."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import outputs
from analysis.notebook import Context
from analysis.report import Report, findings
from analysis.study import Study


@pytest.fixture
def tables(tmp_path, monkeypatch):
    monkeypatch.setitem(outputs._current, "tables", tmp_path / "tables")
    return tmp_path / "tables"


def _report(corpus=None, **study) -> Report:
    study = Study(title=study.get("title", "T"), question=study.get("question", "Q?"))
    corpus = corpus if corpus is not None else pd.DataFrame({"doc_id": ["a"], "date": pd.to_datetime(["2020-01-01"])})
    return Report(Context(study, corpus=corpus))


def _difference(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["theme", "share_a", "share_b", "diff", "lo", "hi", "p", "q", "a", "b",
                                       "n_articles_a", "n_articles_b"])


def test_period_change_with_a_single_article_names_nothing(tables):
    outputs.save_table(_difference([
        ("donation", 0.40, 0.10, -0.30, math.nan, math.nan, 0.2, 0.4, "2020", "2022", 4, 1),
        ("testing", 0.10, 0.55, 0.45, math.nan, math.nan, 0.2, 0.4, "2020", "2022", 4, 1)]),
        "theme_period_difference", "x")
    up, down, text = findings.period_changes(_report())
    assert up == [] and down == []
    assert text == ("Between 2020 and 2022 no change is named: 2022 has a single article, so the change has no "
                    "interval.")
    for (n_a, n_b), who in {(1, 4): "2020 has a single article", (1, 1): "2020 and 2022 have one article each"}.items():
        outputs.save_table(_difference([("donation", 0.40, 0.10, -0.30, math.nan, math.nan, 0.2, 0.4, "2020", "2022",
                                         n_a, n_b)]), "theme_period_difference", "x")
        assert findings.period_changes(_report())[2] == (f"Between 2020 and 2022 no change is named: {who}, so the "
                                                         "change has no interval.")


def test_period_change_names_only_intervals_that_exclude_zero(tables):
    outputs.save_table(_difference([
        ("donation", 0.40, 0.10, -0.30, -0.45, -0.12, 0.001, 0.004, "2020", "2022", 30, 12),
        ("testing", 0.10, 0.55, 0.45, 0.20, 0.61, 0.0, 0.0, "2020", "2022", 30, 12),
        ("advice", 0.20, 0.30, 0.10, -0.05, 0.24, 0.2, 0.3, "2020", "2022", 30, 12)]), "theme_period_difference", "x")
    rep = _report()
    rep.english = {"donation": "Donations", "testing": "Testing", "advice": "Advice"}
    up, down, text = findings.period_changes(rep)
    assert up == ["testing"] and down == ["donation"]
    assert text == ("Between 2020 and 2022, the themes whose share changes beyond chance (article-level bootstrap) "
                    "rise: *Testing* (10% → 55%, 95% interval of the change +20% to +61%) and fall: *Donations* "
                    "(40% → 10%, 95% interval of the change -45% to -12%).")
    assert "Advice" not in text


def test_period_change_says_when_no_difference_is_supported(tables):
    outputs.save_table(_difference([
        ("advice", 0.20, 0.30, 0.10, -0.05, 0.24, 0.2, 0.3, "2021", "2022", 7, 5)]), "theme_period_difference", "x")
    rep = _report()
    assert findings.period_changes(rep) == ([], [], (
        "Between 2021 and 2022 these 12 articles show no difference in any theme's share that the intervals support "
        "(every interval of the change includes zero)."))


def test_title_and_question_come_from_the_study(tables):
    rep = _report(title="Rural China on the evening news", question="**How is rural policy presented?**")
    assert rep.title()[0] == "# Rural China on the evening news"
    assert rep.question() == ["## 1. Question", "**How is rural policy presented?**"]
