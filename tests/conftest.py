"""Shared fixtures: each test session's own cache folder, and the real seed corpus, loaded once per session."""
import os
from pathlib import Path

import pytest

from analysis import load_corpus, paragraphs

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = PROJECT_ROOT / "data" / "raw"


def pytest_collection_modifyitems(config, items):
    """`make mutants` tests each module's mutants with that module's own test file only: with
    ANALYSIS_MUTANT_TESTS=tests/test_terms.py (comma-separated for several) every other test is deselected."""
    only = os.environ.get("ANALYSIS_MUTANT_TESTS")
    if not only:
        return
    files = {f.strip() for f in only.split(",") if f.strip()}
    keep = [item for item in items if item.nodeid.split("::")[0] in files]
    dropped = [item for item in items if item.nodeid.split("::")[0] not in files]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session", autouse=True)
def session_cache_dir(tmp_path_factory):
    """Every cache of this test session ($ANALYSIS_CACHE_DIR: corpus, tokens, themes, term tables...) lives in a
    folder of its own, empty at the start: a result never comes from an earlier run or from the project's .cache,
    always from the code under test. A test that needs a warm cache warms it itself. Autouse and session-wide,
    so it is set before any other fixture loads the corpus; notebooks the tests run inherit it."""
    folder = tmp_path_factory.mktemp("analysis-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_CACHE_DIR", str(folder))
        yield folder


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
