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


def test_term_matrix_counts_each_paragraphs_tokens_and_is_read_back_from_the_cache(ctx, tmp_path, monkeypatch):
    """The matrix the warm load hands over: per paragraph, the counts of its 2+ character tokens (genre words
    included and flagged) and its number of tokens without genre words, as counted here from the token lists;
    a second call in a fresh Context reads the stored matrix (the tokenizer is not called)."""
    from collections import Counter

    from analysis.segment import load_stopwords
    from analysis.terms import matrix as tm

    monkeypatch.setenv("ANALYSIS_CACHE_DIR", str(tmp_path))
    m = tm.paragraph_term_matrix(ctx.paras["text"])
    genre = load_stopwords(genre=True)
    col = {t: k for k, t in enumerate(m.terms)}
    assert m.n_tokens.tolist() == [len(ts) for ts in ctx.tokens]
    assert ctx.token_count == sum(map(len, ctx.tokens)) > 3000
    long = m.long_counts()
    for i in range(0, len(ctx.paras), 7):
        row = m.counts.getrow(i)
        assert {m.terms[j]: int(v) for j, v in zip(row.indices, row.data)} == dict(Counter(ctx.tokens_all[i]))
        row = long.getrow(i)
        expected = Counter(t for t in ctx.tokens_all[i] if len(t) >= 2)
        assert {m.terms[j]: int(v) for j, v in zip(row.indices, row.data)} == dict(expected)
    assert m.docs[col["政协"]] == sum("政协" in set(ts) for ts in ctx.tokens_all) > 20
    assert all(m.is_genre[col[t]] == (t in genre) for t in list(col)[:500])

    def no_tokenizing(*args, **kwargs):
        raise AssertionError("tokenized again instead of reading the stored matrix")

    monkeypatch.setattr(tm, "count_table", no_tokenizing)
    again = tm.paragraph_term_matrix(ctx.paras["text"])
    assert (again.counts != m.counts).nnz == 0 and again.terms.tolist() == m.terms.tolist()
    assert again.n_tokens.tolist() == m.n_tokens.tolist() and again.is_genre.tolist() == m.is_genre.tolist()


def test_network_section_draws_the_graph_term_network_draws_from_the_token_lists(ctx):
    """checks.network counts from the term matrix; term_network counts sets of tokens: same nodes and links."""
    from collections import Counter
    from itertools import chain

    from analysis.notebook import checks
    from analysis.topics import term_network

    docs = Counter(chain.from_iterable(map(set, ctx.tokens)))
    common = tuple(t for t, n in docs.items() if n > 0.4 * len(ctx.paras))
    drop = (checks.SEED_NETWORK_DROP if ctx.study.is_default else ()) + common
    G = term_network(ctx.paras, n_terms=35, min_jaccard=0.25, max_degree=3, drop=drop, tokens=ctx.tokens)
    shown = checks.network(ctx)
    assert G.number_of_edges() >= 10
    assert shown.text.startswith(f"{G.number_of_nodes()} terms, {G.number_of_edges()} links.")
    assert set(shown.text.split("Left out: ")[1].rstrip(".").split("、")) == set(drop)


def test_nmf_topics_from_the_term_matrix_equal_those_from_the_token_lists(ctx):
    """The topics section passes the matrix rows (genre words left out) instead of the token lists: scikit-learn's
    TfidfVectorizer on the lists and the counts' tf-idf give the same topics and weights."""
    from analysis.topics import nmf_topics

    m = ctx.matrix
    counts = m.counts[ctx.paras.index.to_numpy()][:, np.flatnonzero(~m.is_genre)]
    by_tokens = nmf_topics(ctx.paras, n_topics=6, tokens=ctx.tokens)
    by_counts = nmf_topics(ctx.paras, n_topics=6, counts=(counts, m.terms[~m.is_genre]))
    assert by_counts[0]["top_words"].tolist() == by_tokens[0]["top_words"].tolist()
    np.testing.assert_allclose(by_counts[1].to_numpy(), by_tokens[1].to_numpy(), atol=1e-9)
    assert len(set(" ".join(by_tokens[0]["top_words"]).split())) >= 30


def test_the_term_matrix_from_counted_paragraphs_by_hand():
    """count_table's rows (paragraph, term, count) as the workers give them, in any order and with a stopword:
    the stopword 的 dropped, the genre word 工作 kept but not in the tokens per paragraph, terms in code-point
    order (委 U+59D4, 工 U+5DE5, 政 U+653F), paragraphs per term; a paragraph without tokens is an empty row."""
    import pyarrow as pa

    from analysis.terms.matrix import from_counts

    table = pa.table({"group": pa.array([2, 0, 0, 2, 0], pa.int64()),
                      "term": pa.array(["委员", "政协", "的", "工作", "委员"], pa.large_string()),
                      "count": pa.array([1, 2, 4, 3, 1], pa.int64()), "docs": pa.array([1] * 5, pa.int64())})
    m = from_counts(table, 3)
    assert m.terms.tolist() == ["委员", "工作", "政协"]
    assert m.counts.toarray().tolist() == [[1, 0, 2], [0, 0, 0], [1, 3, 0]]
    assert m.is_genre.tolist() == [False, True, False]
    assert m.n_tokens.tolist() == [3, 0, 1] and m.docs.tolist() == [2, 1, 1]
    assert from_counts(table.slice(0, 0), 2).counts.shape == (2, 0)
