"""The notebook Context's counts from its one term matrix per kernel (tf-idf by group, co-occurrence of terms)
equal what scikit-learn and plain set counting give on the same tokens of the seed paragraphs."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from analysis.notebook import Context
from analysis.study import SEED_STUDY, read_study


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return Context(replace(read_study(SEED_STUDY), out=tmp_path_factory.mktemp("out")))


def _kept(tokens):
    return [t for t in tokens if len(t) >= 2]  # the notebook counts terms of two characters or more


def test_context_tfidf_equals_scikit_learn_tfidfvectorizer_on_the_articles_tokens(ctx):
    from sklearn.feature_extraction.text import TfidfVectorizer

    paras = ctx.paras
    got = ctx.tfidf(paras, "doc_id", top=None)
    ids = sorted(paras["doc_id"].unique())
    docs = [[t for i in paras.index[paras["doc_id"] == d] for t in _kept(ctx.tokens[i])] for d in ids]
    vec = TfidfVectorizer(analyzer=lambda x: x, lowercase=False)
    weights = vec.fit_transform(docs).toarray()
    terms = vec.get_feature_names_out()
    assert len(ids) == 5 and len(got) == int((weights > 0).sum())
    for k, d in enumerate(ids):
        mine = got[got["doc_id"] == d].set_index("term")
        nz = np.flatnonzero(weights[k])
        assert sorted(mine.index) == sorted(terms[nz])
        np.testing.assert_allclose(mine.loc[terms[nz], "tfidf"].to_numpy(), weights[k, nz], rtol=1e-12)
        counts = {t: docs[k].count(t) for t in mine.index[:10]}
        assert mine["count"].head(10).to_dict() == counts
    # the top term of each article is the one of highest weight (ties by term)
    top = got[got["rank"] == 1].set_index("doc_id")["term"]
    for k, d in enumerate(ids):
        best = max(np.flatnonzero(weights[k]), key=lambda j: (weights[k, j], -ord(terms[j][0])))
        assert weights[k, terms.tolist().index(top[d])] == pytest.approx(weights[k, best])


def test_context_cooccurrence_counts_the_paragraphs_holding_both_terms(ctx):
    terms = ["政协", "社区", "疫情防控", "委员", "志愿者"]
    got = ctx.cooccurrence(terms).set_index(["term_a", "term_b"])
    sets = [set(ts) for ts in ctx.tokens]
    for a in terms:
        for b in terms:
            if a < b:
                both = sum(a in s and b in s for s in sets)
                if both:
                    row = got.loc[(a, b)]
                    assert (row["count"], row["n_a"], row["n_b"]) == (both, sum(a in s for s in sets),
                                                                       sum(b in s for s in sets))
                else:
                    assert (a, b) not in got.index
    assert got["count"].max() > 10
