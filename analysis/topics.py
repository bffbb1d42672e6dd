"""Data-driven checks on the theme codebook: NMF topics on paragraph tf-idf and a term co-occurrence network.

    tokens = paragraph_tokens(paras)                       # analysis.tokenize per paragraph (cached)
    topics, weights = nmf_topics(paras, tokens=tokens)     # topics x top words, paragraphs x topic weights
    topic_theme_table(coded, weights)                      # themes x topics: mean topic weight
    topic_alignment(coded, topics, weights)                # best theme per topic, r and lift
    term_network(paras, tokens=tokens)                     # networkx Graph of the most widespread terms
"""
from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np
import pandas as pd

from .paths import SEED
from .themes import _labels, theme_ids

# ---------------------------------------------------------------- data-driven check: NMF topics


def paragraph_tokens(paras: pd.DataFrame, progress: bool = False) -> list[list[str]]:
    """Content tokens of each paragraph: exactly `analysis.tokenize` (reference jieba engine, project
    lexicon and stopwords), through tokenize_corpus so repeated runs read the token cache."""
    from .segment import tokenize_corpus

    return tokenize_corpus(list(paras["text"]), engine="jieba", progress=progress)


def nmf_topics(
    paras: pd.DataFrame,
    n_topics: int = 12,
    n_words: int = 10,
    min_df: int = 2,
    seed: int = SEED,
    tokens: list[list[str]] | None = None,
    counts: tuple | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NMF topics on paragraph tf-idf (scikit-learn), as a check on the codebook.

    `counts`: instead of tokens, (paragraphs x terms sparse counts, the terms) already counted; the tf-idf is
    then the same as TfidfVectorizer's on the tokens (terms in `min_df` paragraphs or more, in sorted order).

    Returns (topics, weights). `topics`: one row per topic: topic ("T1" ...), top_words (space-separated,
    strongest first), share (the topic's part of all paragraph weight). `weights`: paragraphs x topics,
    each row scaled to sum to 1 (all zero for a paragraph with no kept term), index as `paras`.
    Deterministic for a given seed (nndsvda initialisation).
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    if counts is None:
        tokens = paragraph_tokens(paras) if tokens is None else tokens
        vec = TfidfVectorizer(analyzer=lambda toks: toks, min_df=min_df, sublinear_tf=True)
        X = vec.fit_transform(tokens)
        vocab = np.asarray(vec.get_feature_names_out())
    else:
        X, vocab = _tfidf_of_counts(*counts, min_df)
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=1000)
    W = model.fit_transform(X)
    names = [f"T{i + 1}" for i in range(n_topics)]
    # strongest first; words of equal weight (up to rounding: terms that always occur together) by term,
    # so the order does not depend on the last bits of the floating-point arithmetic
    top = [" ".join(vocab[np.lexsort((vocab, -np.round(row, 10)))[:n_words]]) for row in model.components_]
    total = W.sum(axis=0)
    topics = pd.DataFrame({"topic": names, "top_words": top, "share": total / total.sum()})
    sums = W.sum(axis=1, keepdims=True)
    weights = pd.DataFrame(np.divide(W, sums, out=np.zeros_like(W), where=sums > 0), index=paras.index, columns=names)
    return topics, weights


def _tfidf_of_counts(counts, terms, min_df: int):
    """TfidfVectorizer(min_df=min_df, sublinear_tf=True)'s matrix and vocabulary from counts already made: the
    terms in `min_df` rows or more, in sorted order (as the vectorizer orders its vocabulary)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

    counts = sp.csc_matrix(counts)
    df = np.diff(counts.indptr)
    terms = np.asarray(terms, dtype=object)
    keep = np.flatnonzero(df >= min_df)
    keep = keep[np.argsort(terms[keep].astype(str), kind="stable")]
    X = TfidfTransformer(sublinear_tf=True).fit_transform(sp.csr_matrix(counts[:, keep], dtype=np.float64))
    return X, terms[keep].astype(str)


def topic_theme_table(coded: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """How NMF topics line up with codebook themes: themes x topics, mean topic weight of the theme's paragraphs.

    Each cell is the average weight of the topic in the paragraphs coded with the theme; compare a
    row with the `all paragraphs` row to see which topics a theme over-draws on.
    """
    labels = _labels(coded)
    rows = {labels.get(t, t): weights[coded[t].to_numpy()].mean() for t in theme_ids(coded)}
    table = pd.DataFrame(rows).T
    table.loc["(all paragraphs)"] = weights.mean()
    return table


def topic_alignment(coded: pd.DataFrame, topics: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """One row per topic: its top words, the best-matching theme, how well they match, the runner-up.

    `r` is the correlation between the topic's paragraph weight and the theme's 0/1 coding; `lift` is the
    topic's mean weight in the theme's paragraphs over its mean weight in all paragraphs. A topic whose
    best r is low (< 0.3) is one the codebook does not name. `main_doc` / `doc_share`: the article
    holding most of the topic's weight and that share (near 1: the topic is one article's vocabulary).
    """
    labels = _labels(coded)
    ids = theme_ids(coded)
    themes = coded[ids].astype(float).to_numpy()
    rows = []
    for topic, words in zip(topics["topic"], topics["top_words"]):
        w = weights[topic].to_numpy()
        r = np.array([np.corrcoef(w, themes[:, j])[0, 1] if themes[:, j].std() > 0 else 0.0 for j in range(len(ids))])
        order = np.argsort(-r)
        best, second = ids[order[0]], ids[order[1]]
        mean_all = w.mean()
        lift = w[themes[:, order[0]] > 0].mean() / mean_all if mean_all > 0 else np.nan
        by_doc = pd.Series(w, index=coded.index).groupby(coded["doc_id"]).sum()
        rows.append(
            {
                "topic": topic,
                "top_words": " ".join(words.split()[:8]),
                "best_theme": labels.get(best, best),
                "r": round(float(r[order[0]]), 2),
                "lift": round(float(lift), 2),
                "runner_up": labels.get(second, second),
                "r_runner_up": round(float(r[order[1]]), 2),
                "main_doc": str(by_doc.idxmax())[:3],
                "doc_share": round(float(by_doc.max() / by_doc.sum()), 2) if by_doc.sum() > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- co-occurrence network of top terms


def term_network(
    paras: pd.DataFrame,
    n_terms: int = 30,
    min_jaccard: float = 0.25,
    max_degree: int = 4,
    drop: tuple[str, ...] = ("疫情", "防控", "疫情防控"),
    tokens: list[list[str]] | None = None,
):
    """Co-occurrence network of the most widespread terms (networkx Graph), kept readable.

    Nodes: the `n_terms` terms in most paragraphs (minus `drop`, words in nearly every paragraph that
    would link to everything); node attribute `df` = paragraphs containing the term. Edges: two terms
    in the same paragraph, weighted by Jaccard (paragraphs with both / with either), `count` = paragraphs
    with both; an edge is kept when Jaccard >= min_jaccard and it is among the `max_degree` strongest of
    one of its ends. Isolated terms are dropped.
    """
    tokens = paragraph_tokens(paras) if tokens is None else tokens
    sets = [set(t) - set(drop) for t in tokens]
    counts = Counter(chain.from_iterable(sets))  # what value_counts() of every word gives, counted in C
    df = pd.Series(list(counts.values()), index=pd.Index(list(counts), dtype=object), dtype="int64")
    terms = network_terms(df, n_terms)
    occ = np.array([[w in s for w in terms] for s in sets], dtype=np.int64).reshape(len(sets), len(terms))
    return network_graph(terms, occ.T @ occ, min_jaccard, max_degree)


def network_terms(df: pd.Series, n_terms: int) -> list[str]:
    """The `n_terms` terms of 2+ characters in most paragraphs (`df`: paragraphs per term), ties by term."""
    # most paragraphs first, ties by term: set and Counter orders follow the string hash seed, which differs
    # between processes, so only an order by the terms themselves gives the same network in every build
    df = df.sort_index().sort_values(ascending=False, kind="mergesort")
    df = df[df.index.str.len() > 1]  # single characters are rarely readable terms
    return list(df.sort_values(ascending=False, kind="mergesort").index[:n_terms])


def network_graph(terms: list[str], both: np.ndarray, min_jaccard: float = 0.25, max_degree: int = 4):
    """term_network's graph from its terms and the paragraphs-with-both matrix (paragraphs with each term on
    the diagonal)."""
    import networkx as nx

    both = pd.DataFrame(np.asarray(both), index=terms, columns=terms)
    n = np.diag(both.to_numpy())
    either = np.add.outer(n, n) - both.to_numpy()
    ratio = both.to_numpy() / np.maximum(either, 1)
    np.fill_diagonal(ratio, 0)
    jac = pd.DataFrame(ratio, index=terms, columns=terms)
    keep = set()
    for w in terms:
        for v in jac[w].sort_values(ascending=False, kind="mergesort").index[:max_degree]:
            if jac.at[w, v] >= min_jaccard:
                keep.add(tuple(sorted((w, v))))
    G = nx.Graph()
    for a, b in sorted(keep):
        G.add_edge(a, b, weight=float(jac.at[a, b]), count=int(both.at[a, b]))
    nx.set_node_attributes(G, {w: int(both.at[w, w]) for w in G.nodes}, "df")
    return G
