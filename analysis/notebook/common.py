"""What every notebook section shares: the study's data computed once (`Context`) and what a section shows
(`Shown`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..choices import Choices, choose
from ..study import Study, load_study, use_files


@dataclass
class Shown:
    """What a section shows: Markdown sentences, then a table. Its figure (already saved) is drawn by the
    notebook's inline backend; it is kept here for code that wants it."""

    text: str = ""
    table: pd.DataFrame | None = None
    figure: object | None = None
    data: dict = field(default_factory=dict)  # the section's computed tables, for later cells

    def _ipython_display_(self):  # pragma: no cover - exercised by the notebooks
        from IPython.display import Markdown, display

        if self.text:
            display(Markdown(self.text))
        if self.table is not None:
            display(self.table)

    def __str__(self) -> str:
        return self.text + ("" if self.table is None else "\n\n" + self.table.to_string())


def left_out(reason: str, tables=(), figures=()) -> Shown:
    """A section without enough data: one line saying why, and no table or figure left from an earlier build."""
    from ..outputs import drop_table, figures_dir

    for name in tables:
        drop_table(name)
    for name in figures:
        for suffix in (".png", ".svg"):
            (figures_dir() / f"{name}{suffix}").unlink(missing_ok=True)
    return Shown(reason)


def single_article(articles: dict) -> str:
    """Which of the compared groups ({group: its articles}) has a single article, as a sentence's subject and verb
    ("2022 has a single article", "2020 and 2022 have one article each"), or "" when none has: such a group gives
    no interval of a change (notebook 03 and the report say so)."""
    single = [str(g) for g, n in articles.items() if int(n) < 2]
    if not single:
        return ""
    return " and ".join(single) + (" has a single article" if len(single) == 1 else " have one article each")


class Context:
    """A study's corpus and what every section derives from it, each computed once when first used.

    Token lists come from the token cache (`tokenize_corpus`), the coding from the theme cache, so a notebook
    that runs after another reads what the first computed."""

    def __init__(self, study: Study | None = None, corpus: pd.DataFrame | None = None):
        from ..plots import use_house_style

        use_house_style()  # the CJK font in every figure a section draws
        self.study = use_files(study) if study is not None else load_study()
        if corpus is not None:
            self.corpus = corpus

    @cached_property
    def corpus(self) -> pd.DataFrame:
        return self.study.corpus()

    @cached_property
    def choices(self) -> Choices:
        return choose(self.corpus, by=self.study.group_by or None, period=self.study.period)

    @property
    def few(self) -> bool:
        return self.choices.few

    @cached_property
    def paras(self) -> pd.DataFrame:
        from ..corpus import paragraphs

        return paragraphs(self.corpus)

    @cached_property
    def tokens_all(self) -> list[list[str]]:
        """Paragraph tokens with the genre words of official prose kept."""
        from ..segment import tokenize_corpus

        return tokenize_corpus(self.paras["text"], drop_genre=False, progress=False)

    @cached_property
    def tokens(self) -> list[list[str]]:
        """Paragraph tokens without the genre words (the default of every count): filtered from `tokens_all` when
        a section already read those, else read from the token cache as they are (one pass, not two)."""
        from ..segment import load_stopwords, tokenize_corpus

        if "tokens_all" not in self.__dict__:
            return tokenize_corpus(self.paras["text"], drop_genre=True, progress=False)
        genre = load_stopwords(genre=True)
        return [[t for t in ts if t not in genre] for ts in self.tokens_all]

    @cached_property
    def matrix(self):
        """The paragraphs' TermMatrix (analysis.terms.matrix): read from the cache the build's warm load
        filled, or computed (and kept) on the first call."""
        from ..terms.matrix import paragraph_term_matrix

        return paragraph_term_matrix(self.paras["text"])

    @property
    def token_count(self) -> int:
        """Tokens of all paragraphs without stopwords and genre words: sum(map(len, self.tokens))."""
        return int(self.matrix.n_tokens.sum())

    def term_matrix(self):
        """(paragraphs x terms counts as a CSR matrix, the terms, which of them are genre words): the terms of 2+
        characters of `tokens_all`, whose non-genre columns count `tokens` (`matrix`), so that every count by
        group is a sparse product, not a pass over all tokens."""
        if "_long_counts" not in self.__dict__:
            self._long_counts = self.matrix.long_counts()
        return self._long_counts, self.matrix.terms, self.matrix.is_genre

    def term_frequencies(self, frame: pd.DataFrame, by: str | None = None, top: int | None = None,
                         genre: bool = False) -> pd.DataFrame:
        """The same table as `term_frequencies(frame, by=by, tokens=[self.tokens[i] for i in frame.index],
        min_chars=2, top=top)` (`tokens_all` with `genre`) for rows of `paras`, from `term_matrix`."""
        from ..terms.frequencies import frequency_table

        cols = [by] if by else []
        keys, counts, docs, terms, is_genre = self.group_counts(frame, cols)
        counts.sort_indices()
        docs.sort_indices()
        parts = []
        for g, key in enumerate(keys):
            lo, hi = counts.indptr[g], counts.indptr[g + 1]
            idx = counts.indices[lo:hi]
            n, d = counts.data[lo:hi], docs.data[docs.indptr[g]:docs.indptr[g + 1]]
            if not genre:  # the genre words' columns left out: counts of `tokens`
                sel = ~is_genre[idx]
                idx, n, d = idx[sel], n[sel], d[sel]
            parts.append((key, pd.DataFrame({"term": terms[idx], "count": n, "docs": d})))
        return frequency_table(parts, cols, top, dtypes={c: frame[c].dtype for c in cols})

    def group_counts(self, frame: pd.DataFrame, cols: list[str], docs: bool = True):
        """(group keys in sorted order, counts, paragraphs, terms, is_genre): the term counts and the numbers of
        paragraphs with each term of the groups of `frame` (rows of `paras`) by `cols`, as groups x terms sparse
        matrices over the columns of `term_matrix()`."""
        import numpy as np
        import scipy.sparse as sp

        from ..terms.frequencies import _group_codes

        matrix, terms, is_genre = self.term_matrix()
        codes, keys = _group_codes(frame, cols)
        rows = frame.index.to_numpy()
        member = sp.csr_matrix((np.ones(len(codes), dtype=np.int64), (codes, np.arange(len(codes)))),
                               shape=(len(keys), len(codes)))
        if len(rows) == matrix.shape[0] and (rows == np.arange(len(rows))).all():  # all paragraphs, in order
            if "_present" not in self.__dict__:  # which paragraphs hold each term, once per kernel
                self._present = (matrix > 0).astype(np.int64)
            sub, present = matrix, self._present
        else:
            sub = matrix[rows]
            present = (sub > 0).astype(np.int64) if docs else None
        return keys, member @ sub, (member @ present if docs else None), terms, is_genre

    def tfidf(self, frame: pd.DataFrame, by: str, top: int | None = 10) -> pd.DataFrame:
        """The same table as `tfidf(frame, by=by, tokens=[self.tokens[i] for i in frame.index], min_chars=2,
        top=top)` for rows of `paras`, from `term_matrix`."""
        from ..terms.keyness import tfidf_table

        keys, counts, _, terms, is_genre = self.group_counts(frame, [by], docs=False)
        # the genre words' columns left out: counts of `tokens`
        return tfidf_table(keys, counts.tocsc()[:, ~is_genre], terms[~is_genre], [by], top)

    def cooccurrence(self, terms: list[str]) -> pd.DataFrame:
        """The same table as `cooccurrence(paras, terms, tokens=self.tokens)` for terms of 2+ characters that are
        not genre words, from `term_matrix`."""
        from ..terms.context import pair_table

        terms = sorted(dict.fromkeys(terms))
        return pair_table(terms, self.paragraphs_with_both(terms))

    def paragraphs_with_both(self, terms: list[str]):
        """terms x terms array: the paragraphs holding both terms of each pair (each term's on the diagonal), from
        `matrix`; the terms in the given order."""
        import numpy as np

        column = {t: k for k, t in enumerate(self.matrix.terms)}
        present = (self.matrix.counts[:, [column[t] for t in terms]] > 0).astype(np.int64)
        return (present.T @ present).toarray()

    @cached_property
    def codebook(self) -> pd.DataFrame:
        from ..codebook import load_codebook

        return load_codebook()

    @cached_property
    def labels(self) -> dict[str, str]:
        """Theme id -> "zh en" label."""
        from ..themes import theme_labels

        return theme_labels(self.codebook)

    @cached_property
    def coded(self) -> pd.DataFrame:
        from ..themes import code_paragraphs

        return code_paragraphs(self.paras)

    @cached_property
    def label_of(self) -> dict:
        return dict(zip(self.corpus["doc_id"], self.corpus["label"]))

    def n_articles(self, column: str, value) -> int:
        return int((self.corpus[column].astype(str) == str(value)).sum())
