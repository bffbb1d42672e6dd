"""The match-table cache (.cache/themes): coding the same paragraphs with the same codebook a second time reads
what the first time wrote; other texts, another codebook, an edit of the coding's code or another version of the
automaton library never get an old answer."""
from __future__ import annotations

import importlib.metadata
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

import analysis.themes.matcher
import analysis.topics
from analysis import code_paragraphs, freshness, theme_matches
from analysis.codebook import _codebook
from analysis.themes.coding import _codebook_key

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


@contextmanager
def edited(module):
    """This process takes `module`'s source as edited, as the next process after an edit of the file would: its digest
    (what code_digest reads, freshness._SOURCE_DIGESTS) is another one until the end of the block."""
    path = Path(module.__file__).resolve()
    before = freshness._SOURCE_DIGESTS[path]
    freshness._SOURCE_DIGESTS[path] = "edited"
    freshness.code_digest.cache_clear()
    try:
        yield
    finally:
        freshness._SOURCE_DIGESTS[path] = before
        freshness.code_digest.cache_clear()


@contextmanager
def new_release(distribution):
    """importlib.metadata.version names another release of `distribution` (any spelling of its name, as the real
    lookup normalises it) until the end of the block."""
    real = importlib.metadata.version
    wanted = distribution.lower().replace("_", "-")

    def version(name):
        return real(name) + (".post1" if name.lower().replace("_", "-") == wanted else "")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(importlib.metadata, "version", version)
        yield


def test_the_cache_key_of_a_codebook_is_its_rules_the_coding_code_and_the_automaton_library(tmp_path):
    """The same rules in two files give one key, also with notes for coders added; one keyword more, an edit of the
    matcher (a module the coding imports) or another ahocorasick-rs release give another; an edit of a module the
    coding does not import (topics) does not, and undoing an edit gives the first key back."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(DONATION, encoding="utf-8")
    second.write_text(DONATION, encoding="utf-8")
    key = _codebook_key(_codebook(first))
    assert _codebook_key(_codebook(second)) == key
    second.write_text(DONATION.replace('["捐款"]', '["捐款"]\nwhen_to_use = ["Money given."]'), encoding="utf-8")
    assert _codebook_key(_codebook(second)) == key  # notes for coders code nothing: the coded table stays valid
    second.write_text(DONATION.replace('["捐款"]', '["捐款", "捐物"]'), encoding="utf-8")
    assert _codebook_key(_codebook(second)) != key
    cb = _codebook(first)
    with edited(analysis.topics):
        assert _codebook_key(cb) == key
    with edited(analysis.themes.matcher):
        assert _codebook_key(cb) != key
    with new_release("ahocorasick-rs"):
        assert _codebook_key(cb) != key
    assert _codebook_key(cb) == key


def test_a_cached_match_table_is_not_served_after_an_edit_of_the_coding_or_a_new_automaton_library(cache):
    """The cached table is emptied by hand, so that what is served shows where it comes from: the same code reads it
    (no theme), and so does the code after an edit of topics; after an edit of the matcher or with another release
    of ahocorasick-rs the paragraphs are coded afresh (donation, advice) into a table of their own; undone, the
    emptied table is served again."""
    assert code_paragraphs(PARAS)["themes"].tolist() == [("donation",), ("advice",)]
    (name,) = files(cache)
    pd.read_parquet(cache / name).iloc[:0].to_parquet(cache / name, index=False)
    assert code_paragraphs(PARAS)["themes"].tolist() == [(), ()]
    with edited(analysis.topics):
        assert code_paragraphs(PARAS)["themes"].tolist() == [(), ()]
    with edited(analysis.themes.matcher):
        assert code_paragraphs(PARAS)["themes"].tolist() == [("donation",), ("advice",)]
    with new_release("ahocorasick-rs"):
        assert code_paragraphs(PARAS)["themes"].tolist() == [("donation",), ("advice",)]
    assert len(files(cache)) == 3
    assert code_paragraphs(PARAS)["themes"].tolist() == [(), ()]
