"""The themes functions' road to the cluster (analysis/dispatch.py), without a cluster.

`code_paragraphs`, `paragraph_counts`, `theme_counts` and `theme_shares` promise that a dask collection or a
`client=` runs them on the Dask layer. That layer must receive what the pandas path would have used: the same
tables, the same `by`, the same corpus, the codebook (resolved from a path for the coding) and the client. Each
test registers a recording stand-in under the public function's name for its own duration (the registry entry
in force before is put back) and points the lazy import of the Dask layer at a module that does not exist, so a
call under any other name fails instead of quietly importing analysis.cluster."""
from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import pytest
from test_themes import GOOD as TWO_THEMES  # the two-theme codebook of the codebook tests

from analysis import code_paragraphs, dispatch, paragraph_counts, theme_counts, theme_shares

PARAS = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_no": [1, 2, 1],
                      "text": ["区政协委员捐款5万元。", "委员提交提案3件。", "会议结束。"]})
CODED = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_no": [1, 2, 1],
                      "donation": [True, False, False], "advice": [False, True, False]})
CORPUS = pd.DataFrame({"doc_id": ["a", "b"], "province": ["北京市", "四川省"],
                       "date": pd.to_datetime(["2020-02-01", "2022-03-01"])})


class Recorder:
    """Stands in for the Dask layer's implementations: records each call, returns a token of its own."""

    def __init__(self, monkeypatch):
        self.monkeypatch, self.calls = monkeypatch, []

    def register(self, name: str):
        def implementation(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return f"cluster result of {name}"

        self.monkeypatch.setitem(dispatch._IMPLEMENTATIONS, name, implementation)  # the old entry comes back
        return implementation


@pytest.fixture
def cluster(monkeypatch):
    monkeypatch.delenv(dispatch.SCHEDULER_ENV, raising=False)
    monkeypatch.setattr(dispatch, "LAZY_MODULE", "analysis._no_dask_layer_in_this_test")
    recorder = Recorder(monkeypatch)
    for name in ("code_paragraphs", "paragraph_counts", "theme_counts", "theme_shares"):
        recorder.register(name)
    return recorder


def same_call(got, name, args, kwargs):
    """The recorded call is `name` with exactly these objects (identity, not equality) and keywords."""
    got_name, got_args, got_kwargs = got
    assert got_name == name
    assert len(got_args) == len(args) and all(a is b for a, b in zip(got_args, args)), (got_args, args)
    assert got_kwargs.keys() == kwargs.keys() and all(got_kwargs[k] is kwargs[k] for k in kwargs), got_kwargs


@pytest.mark.parametrize("function", [theme_counts, theme_shares])
def test_theme_tables_with_a_client_hand_the_cluster_the_coded_table_group_corpus_codebook_and_client(
        cluster, tmp_path, function):
    client, codebook = object(), tmp_path / "themes.toml"
    codebook.write_text(TWO_THEMES, encoding="utf-8")
    got = function(CODED, "province", CORPUS, codebook, client=client)
    assert got == f"cluster result of {function.__name__}"
    assert len(cluster.calls) == 1
    same_call(cluster.calls[0], function.__name__, (CODED, "province", CORPUS, codebook), {"client": client})


def test_paragraph_counts_with_a_client_hand_the_cluster_the_coded_table_group_corpus_and_client(cluster):
    client = object()
    assert paragraph_counts(CODED, "year", CORPUS, client=client) == "cluster result of paragraph_counts"
    assert len(cluster.calls) == 1
    same_call(cluster.calls[0], "paragraph_counts", (CODED, "year", CORPUS), {"client": client})


@pytest.mark.parametrize("function", [paragraph_counts, theme_counts, theme_shares])
def test_a_dask_coded_table_or_a_dask_corpus_goes_to_the_cluster_without_a_client(cluster, function):
    """Either argument being a dask collection is enough; no client is passed on (None)."""
    lazy_coded, lazy_corpus = dd.from_pandas(CODED, npartitions=1), dd.from_pandas(CORPUS, npartitions=1)
    extra = () if function is paragraph_counts else (None,)  # the codebook: None, the one in force
    assert function(lazy_coded, "doc_id") == f"cluster result of {function.__name__}"
    assert function(CODED, "province", lazy_corpus) == f"cluster result of {function.__name__}"
    assert len(cluster.calls) == 2
    same_call(cluster.calls[0], function.__name__, (lazy_coded, "doc_id", None) + extra, {"client": None})
    same_call(cluster.calls[1], function.__name__, (CODED, "province", lazy_corpus) + extra, {"client": None})


def test_pandas_tables_without_a_client_stay_local(cluster):
    """No dask argument, no client, no $ANALYSIS_SCHEDULER: counted here (a 1 of 2 paragraphs of article a and
    0 of 1 of b for each theme), and the stand-ins are never called."""
    assert paragraph_counts(CODED).to_dict() == {"a": 2, "b": 1}
    assert theme_counts(CODED).to_dict("index") == {"donation": {"a": 1, "b": 0}, "advice": {"a": 1, "b": 0}}
    assert theme_shares(CODED).to_dict("index") == {"donation": {"a": 0.5, "b": 0.0}, "advice": {"a": 0.5, "b": 0.0}}
    assert cluster.calls == []


def test_dask_paragraphs_are_coded_on_the_cluster_with_the_codebook_read_from_its_path(cluster, tmp_path):
    path = tmp_path / "themes.toml"
    path.write_text(TWO_THEMES, encoding="utf-8")
    lazy = dd.from_pandas(PARAS, npartitions=1)
    assert code_paragraphs(lazy, path) == "cluster result of code_paragraphs"
    name, args, kwargs = cluster.calls[0]
    assert name == "code_paragraphs" and kwargs == {} and len(args) == 2 and args[0] is lazy
    assert isinstance(args[1], pd.DataFrame)  # the codebook as a table, not the path
    assert args[1]["id"].tolist() == ["donation", "advice"]
    assert args[1]["keywords"].map(list).tolist() == [["捐款", "捐物"], ["提案"]]


def test_dask_paragraphs_without_a_codebook_get_the_codebook_in_force(cluster):
    """The twelve themes of analysis/resources/lexicon/themes.toml, in its order."""
    lazy = dd.from_pandas(PARAS, npartitions=1)
    assert code_paragraphs(lazy) == "cluster result of code_paragraphs"
    (name, (paras, cb), kwargs), = cluster.calls
    assert name == "code_paragraphs" and paras is lazy and kwargs == {}
    assert cb["id"].tolist() == ["mobilisation", "donation", "community", "advice", "economy", "medical",
                                 "testing", "publicity", "overseas", "religion", "parties", "livelihood"]


def test_pandas_paragraphs_are_coded_here(cluster, tmp_path):
    """捐款 in the first paragraph, 提案 in the second, neither in the third."""
    path = tmp_path / "themes.toml"
    path.write_text(TWO_THEMES, encoding="utf-8")
    coded = code_paragraphs(PARAS, path)
    assert coded["themes"].tolist() == [("donation",), ("advice",), ()]
    assert cluster.calls == []
