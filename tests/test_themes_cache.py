"""The match-table cache (.cache/themes): coding the same paragraphs with the same codebook a second time reads
what the first time wrote; other texts or another codebook never get an old answer."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import code_paragraphs, theme_matches

DONATION = '''[[theme]]
id = "donation"
zh = "捐款捐物"
en = "Donations"
definition = "Giving money."
keywords = ["捐款"]
'''

PARAS = pd.DataFrame({"doc_id": ["a", "a"], "para_no": [1, 2], "text": ["区政协委员捐款5万元。", "委员提交提案3件。"]})


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(folder))  # empty: nothing from other tests
    return folder / "themes"


def files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_match_table_is_written_once_to_the_themes_cache_and_read_back(cache):
    coded = code_paragraphs(PARAS)
    (name,) = files(cache)  # one table, no temporary file left behind
    assert name.endswith(".parquet")
    stat = (cache / name).stat()
    again = code_paragraphs(PARAS)
    after = (cache / name).stat()
    assert files(cache) == [name] and (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)  # read
    assert again["themes"].tolist() == coded["themes"].tolist() == [("donation",), ("advice",)]


def test_other_texts_or_another_codebook_are_coded_afresh(cache, tmp_path):
    """The first coding with the default codebook; 捐款 moved to the second paragraph; then the one-theme codebook:
    three keys, three tables, each coding what it was given (提案 is no keyword of the one-theme codebook)."""
    assert code_paragraphs(PARAS)["themes"].tolist() == [("donation",), ("advice",)]
    swapped = PARAS.assign(text=PARAS["text"].iloc[::-1].to_numpy())
    assert theme_matches(swapped)[["para_no", "theme", "keyword"]].values.tolist() == [
        [1, "advice", "提案"], [2, "donation", "捐款"]]
    path = tmp_path / "themes.toml"
    path.write_text(DONATION, encoding="utf-8")
    assert code_paragraphs(PARAS, path)["themes"].tolist() == [("donation",), ()]
    assert len(files(cache)) == 3
