"""The paragraphs' term matrix, computed once and kept on disk: paragraphs x terms counts of the tokens
`tokenize_corpus` gives with the genre words of official prose kept (stopwords removed), the genre words
flagged, and each paragraph's number of tokens without them. The build's warm load computes it while
nothing else runs; every notebook's kernel then reads it (a fraction of a second) instead of reading the
token cache and counting again.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..freshness import code_digest
from ..memo import column_digest, prune
from ..paths import cache_dir
from ..segment import _stopset, lexicon_hash, load_stopwords
from ..segment.counting import count_table

KEEP_MATRICES = 8  # matrices kept in the cache (one per corpus and lexicon)


@dataclass(frozen=True)
class TermMatrix:
    """counts: paragraphs x terms (CSR, int64); terms: the column names; is_genre: which terms are genre words
    (load_stopwords(genre=True));
    n_tokens: each paragraph's tokens without the genre words (of any length); docs: the paragraphs holding
    each term (of any length)."""

    counts: object
    terms: np.ndarray
    is_genre: np.ndarray
    n_tokens: np.ndarray
    docs: np.ndarray

    def long_counts(self):
        """`counts` with the columns of single characters emptied: the terms every count by term shows."""
        long = np.fromiter((len(t) >= 2 for t in self.terms), dtype=bool, count=len(self.terms))
        counts = self.counts.copy()
        counts.data[~long[counts.indices]] = 0
        counts.eliminate_zeros()
        return counts


def _key(texts: pd.Series) -> str:
    h = hashlib.sha1(column_digest(texts))
    h.update(lexicon_hash(None, "rjieba").encode())
    for genre in (False, True):  # the stopwords and the genre words in force (the active study's included)
        h.update("\n".join(sorted(load_stopwords(genre=genre))).encode("utf-8") + b"\0")
    h.update(code_digest("terms.matrix").encode())
    return h.hexdigest()[:24]


def paragraph_term_matrix(texts: pd.Series, progress: bool = False) -> TermMatrix:
    """The term matrix of the paragraphs' `texts` (in order), from the cache (.cache/matrices, keyed by the
    texts, the lexicon, the stopword lists and this code) or computed and stored there."""
    path = cache_dir("matrices") / f"{_key(texts)}.npz"
    try:
        return _read(path)
    except (OSError, ValueError, KeyError, EOFError):
        pass
    texts = texts.tolist() if hasattr(texts, "tolist") else list(texts)
    # segmented and counted where they are segmented, one group per paragraph (segment.count_table: no
    # paragraph's tokens travel back to this process; the token cache is filled on the way)
    table = count_table(texts, np.arange(len(texts)), progress=progress, merge=False)
    result = from_counts(table, len(texts))
    try:
        _write(result, path)
        prune(path.parent, KEEP_MATRICES)
    except OSError:
        pass  # a cache that cannot be written is no error
    return result


def from_counts(table, n_rows: int) -> TermMatrix:
    """The TermMatrix of count_table's (group = row, term, count) table of content tokens: the stopwords dropped
    (the genre words kept), the terms in code-point order."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import scipy.sparse as sp

    encoded = pc.dictionary_encode(table.column("term").combine_chunks())
    dictionary = encoded.dictionary
    stop = _stopset(True, drop_genre=False)
    keep = ~pc.is_in(dictionary, value_set=pa.array(sorted(stop), dictionary.type)).to_numpy(zero_copy_only=False)
    order = pc.array_sort_indices(dictionary).to_numpy()
    order = order[keep[order]]
    column = np.full(len(dictionary), -1, dtype=np.int32)
    column[order] = np.arange(len(order), dtype=np.int32)
    cols = column[encoded.indices.to_numpy(zero_copy_only=False)]
    kept = cols >= 0
    cols = cols[kept]
    rows = table.column("group").combine_chunks().to_numpy()[kept]
    count = table.column("count").combine_chunks().to_numpy()[kept]
    terms = np.array(dictionary.take(pa.array(order)).to_pylist(), dtype=object)
    genre = load_stopwords(genre=True)
    is_genre = np.fromiter((t in genre for t in terms), dtype=bool, count=len(terms))
    n_tokens = np.bincount(rows, weights=np.where(is_genre[cols], 0, count), minlength=n_rows).astype(np.int64)
    counts = sp.csr_matrix((count, (rows, cols)), shape=(n_rows, len(terms)))
    counts.sum_duplicates()
    docs = np.bincount(counts.indices, minlength=len(terms)).astype(np.int64)
    return TermMatrix(counts, terms, is_genre, n_tokens, docs)


def _write(m: TermMatrix, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    c = m.counts
    np.savez(tmp, data=c.data.astype(np.int32), indices=c.indices.astype(np.int32), indptr=c.indptr,
             shape=np.array(c.shape), terms=np.array("\n".join(m.terms)), is_genre=m.is_genre, n_tokens=m.n_tokens,
             docs=m.docs)
    os.replace(tmp, path)


def _read(path) -> TermMatrix:
    import scipy.sparse as sp

    with np.load(path) as z:
        shape = tuple(int(x) for x in z["shape"])
        counts = sp.csr_matrix((z["data"].astype(np.int64), z["indices"], z["indptr"]), shape=shape)
        terms = str(z["terms"])
        names = np.array(terms.split("\n") if terms else [], dtype=object)
        if len(names) != shape[1]:
            raise ValueError(f"{path}: damaged term matrix")
        return TermMatrix(counts, names, z["is_genre"], z["n_tokens"], z["docs"])
