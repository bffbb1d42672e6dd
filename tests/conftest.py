"""Shared fixtures: each test session's own cache folder, and the real seed corpus, loaded once per session."""
import os
from pathlib import Path

import pytest

from analysis import load_corpus, paragraphs

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = PROJECT_ROOT / "data" / "raw"


# `make mutants` sets ANALYSIS_MUTANTS=<module> (terms, themes, duplicates, places, amounts) for mutmut's runs:
# only tests/test_<module>.py and tests/test_<module>_*.py run, fixtures that share a result the module's code
# makes (the coded paragraphs under themes, the place units under places...) are made again for every test, and
# the module's in-process memos (functools caches) are emptied before every test. mutmut runs a mutant only against
# the tests that called the mutated function in a first, clean run; a result made once per module or session, or a
# memo built once, would hide a mutant of the code that makes it from every test but the first.
MUTANTS = os.environ.get("ANALYSIS_MUTANTS", "")


def shared(scope: str, *made_by: str):
    """A fixture scope: `scope`, or "function" under `make mutants` of a module in `made_by` (the modules whose code
    makes the fixture's value; see MUTANTS)."""
    return (lambda fixture_name, config: "function") if MUTANTS in made_by else scope


def pytest_collection_modifyitems(config, items):
    if not MUTANTS:
        return
    own = (f"tests/test_{MUTANTS}.py", f"tests/test_{MUTANTS}_")  # its own tests
    keep = [item for item in items if item.nodeid.split("::")[0].startswith(own)]
    dropped = [item for item in items if item not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(autouse=True)
def _fresh_memos_under_mutants():
    if MUTANTS:
        import sys

        for name, module in list(sys.modules.items()):
            if name.startswith(f"analysis.{MUTANTS}"):  # places: places_gazetteer, places_units too
                for value in list(vars(module).values()):
                    if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                        value.cache_clear()
    yield


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


@pytest.fixture(scope=shared("session", "places"))  # (region inference, for articles without a region)
def corpus():
    return load_corpus()


@pytest.fixture(scope=shared("session", "places"))  # (region inference, for articles without a region)
def paras(corpus):
    return paragraphs(corpus)


@pytest.fixture(scope=shared("session", "places"))  # (region inference, for articles without a region)
def doc(corpus):
    """Look up one article's row by the start of its doc_id: doc("002")."""
    def get(prefix: str):
        rows = corpus[corpus["doc_id"].str.startswith(prefix)]
        assert len(rows) == 1, prefix
        return rows.iloc[0]

    return get


# The explorer's browser tests (test_explorer_browser.py in Chromium, test_explorer_firefox.py in Firefox) share these
# two; other modules define fixtures of the same names for themselves, which take precedence there.
@pytest.fixture(scope="module")
def coded(paras):
    """The seed paragraphs coded with the codebook in force."""
    from analysis import code_paragraphs

    return code_paragraphs(paras)


@pytest.fixture(scope="module")
def page(corpus, tmp_path_factory):
    """The seed study's explorer page (file:// URI)."""
    from analysis.explorer import write_explorer

    return write_explorer(tmp_path_factory.mktemp("explorer"), corpus).as_uri()
