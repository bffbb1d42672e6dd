"""Shared fixtures: the real seed corpus, loaded once per test session."""
from pathlib import Path

import pytest

from analysis import load_corpus, paragraphs

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = PROJECT_ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def corpus():
    return load_corpus()


@pytest.fixture(scope="session")
def paras(corpus):
    return paragraphs(corpus)


@pytest.fixture(scope="session")
def doc(corpus):
    """Look up one article's row by the start of its doc_id: doc("002")."""
    def get(prefix: str):
        rows = corpus[corpus["doc_id"].str.startswith(prefix)]
        assert len(rows) == 1, prefix
        return rows.iloc[0]

    return get
